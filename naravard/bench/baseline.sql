-- The bare-DuckDB baseline of `naravard bench`: marts.indikatorer (CONTRACTS.md
-- section 3, all fifteen indicators, four levels) computed straight from the raw.*
-- tables the ingestion wrote, in one plain SQL script. No orchestration, no
-- validation, no tests, no intermediate models kept: the practical speed limit
-- the pipeline's dbt build and checks are compared with.
--
-- The counting rules are the ones of dbt_project/README.md (the bench test
-- checks that both give the same rows and values). The runner
-- (naravard/bench/baseline.py) replaces @KOMMUNER_CSV@, @VARDENHETER_CSV@,
-- @ROJANDEKONTROLL_CSV@ (the dbt seeds, read as CSV; the last is the disclosure
-- rule per indicator, CONTRACTS.md section 3.1), @THRESHOLD@, @MIN_UPPDRAG@, @FONSTER_DAGAR@,
-- @RIKTVARDE_SPECIALIST@ and @RIKTVARDE_ST@. Statements are separated by ';' at
-- the end of a line.

CREATE SCHEMA IF NOT EXISTS marts;

-- Geography: health centre -> its registry kommun -> länsdel -> region.
CREATE OR REPLACE TEMP TABLE b_kommuner AS
SELECT kommunkod, kommun, regionkod, region, nullif(trim(lansdel), '') AS lansdel,
       CAST(invanare_2023 AS INTEGER) AS invanare
FROM read_csv('@KOMMUNER_CSV@', delim = ';', header = true, all_varchar = true);

CREATE OR REPLACE TEMP TABLE b_enheter AS
SELECT upper(trim(hsa_id)) AS hsa_id, enhetsnamn, kommunkod
FROM read_csv('@VARDENHETER_CSV@', delim = ';', header = true, all_varchar = true);

-- Which extract was delivered for which month ('YYYY-MM') and year ('YYYY').
CREATE OR REPLACE TEMP TABLE b_delivered AS
WITH m AS (
    SELECT DISTINCT 'telefoni' AS d, _reporting_month AS period FROM raw.vardgaranti_telefoni
    UNION ALL SELECT DISTINCT 'bedomning', _reporting_month FROM raw.vardgaranti_bedomning
    UNION ALL SELECT DISTINCT 'listning', _reporting_month FROM raw.listning_listning
    UNION ALL SELECT DISTINCT 'lakare', _reporting_month FROM raw.listning_lakare
    UNION ALL SELECT DISTINCT 'inbjudan', _reporting_month FROM raw.vhu_inbjudan
    UNION ALL SELECT DISTINCT 'undersokning', _reporting_month FROM raw.vhu_undersokning
    UNION ALL SELECT DISTINCT 'besok', _reporting_month FROM raw.besok_besok
)
SELECT d, period FROM m UNION SELECT d, substr(period, 1, 4) FROM m;

-- Base facts in one long shape: (subject, measure, period, hsa_id | kommunkod,
-- person key for distinct counts | additive amount).
CREATE OR REPLACE TEMP TABLE b_facts (
    subject VARCHAR, measure VARCHAR, period VARCHAR, hsa_id VARCHAR, kommunkod VARCHAR,
    item_key UHUGEINT, amount DOUBLE);

-- T1, T2 (tillganglighet)
INSERT INTO b_facts
SELECT 'T', 'samtal_inkommande', _reporting_month, upper(trim(hsa_id)), NULL, NULL, sum(inkommande_samtal)
FROM raw.vardgaranti_telefoni GROUP BY ALL
UNION ALL
SELECT 'T', 'samtal_besvarade', _reporting_month, upper(trim(hsa_id)), NULL, NULL, sum(besvarade_samma_dag)
FROM raw.vardgaranti_telefoni GROUP BY ALL;

INSERT INTO b_facts
WITH b AS (
    SELECT upper(trim(hsa_id)) AS hsa_id, substr(CAST(kontaktdatum AS VARCHAR), 1, 7) AS period,
           CASE WHEN bedomningsdatum <= kontaktdatum + INTERVAL 3 DAY THEN 1 ELSE 0 END AS inom
    FROM raw.vardgaranti_bedomning
    WHERE bedomningsdatum IS NOT NULL AND NOT coalesce(lower(trim(avvikelse)) = 'pvv', false)
)
SELECT 'T', 'kontakter_bedomda', period, hsa_id, NULL, NULL, count(*) FROM b GROUP BY ALL
UNION ALL
SELECT 'T', 'kontakter_inom_3', period, hsa_id, NULL, NULL, sum(inom) FROM b GROUP BY ALL;

-- K1-K3 (kontinuitet): one row per person and unit of each snapshot.
INSERT INTO b_facts
WITH l AS (
    SELECT _reporting_month AS period, upper(trim(hsa_id)) AS hsa_id,
           md5_number(coalesce(person_id, 'unidentified:' || _source_file || ':' || CAST(_source_line AS VARCHAR))) AS pk,
           bool_or(nullif(trim(fast_lakarkontakt), '') IS NOT NULL) AS flk
    FROM raw.listning_listning GROUP BY ALL
)
SELECT 'K', 'antal_listade', period, hsa_id, NULL, pk, NULL FROM l
UNION ALL
SELECT 'K', 'listade_med_flk', period, hsa_id, NULL, pk, NULL FROM l WHERE flk;

-- FTE as decimals, as dbt sums them (docs/decisions.md, reproducible figures).
INSERT INTO b_facts
SELECT 'K', 'fte_specialist', _reporting_month, upper(trim(hsa_id)), NULL, NULL,
       sum(CASE WHEN kategori = 'specialist_allmanmedicin' THEN tjanstgoringsgrad::DECIMAL(18, 6) ELSE 0 END)
FROM raw.listning_lakare GROUP BY ALL
UNION ALL
SELECT 'K', 'fte_st', _reporting_month, upper(trim(hsa_id)), NULL, NULL,
       sum(CASE WHEN kategori = 'st_allmanmedicin' THEN tjanstgoringsgrad::DECIMAL(18, 6) ELSE 0 END)
FROM raw.listning_lakare GROUP BY ALL;

-- K8 (contract 1.2): listed persons with a fast vårdkontakt, counted like K1's.
INSERT INTO b_facts
SELECT DISTINCT 'K', 'listade_med_fvk', _reporting_month, upper(trim(hsa_id)), NULL,
       md5_number(coalesce(person_id, 'unidentified:' || _source_file || ':' || CAST(_source_line AS VARCHAR))), NULL
FROM raw.listning_listning WHERE nullif(trim(fast_vardkontakt), '') IS NOT NULL;

-- K4-K7 (contract 1.2, CONTRACTS.md 3.2): the visit months whose twelve reporting months M-11 .. M
-- were all delivered; persons attributed to one unit of the month's listing (latest listningsdatum,
-- then the smallest HSA-id); physician visits = XS915 with a personal_hsa_id.
CREATE OR REPLACE TEMP TABLE b_besok_fonster AS
WITH m AS (SELECT DISTINCT _reporting_month AS period FROM raw.besok_besok),
t AS (
    SELECT period, strftime(unnest(generate_series(CAST(period || '-01' AS DATE) - INTERVAL 11 MONTH,
                                                   CAST(period || '-01' AS DATE), INTERVAL 1 MONTH)), '%Y-%m') AS manad
    FROM m
)
SELECT t.period, min(t.manad) AS forsta FROM t LEFT JOIN m ON m.period = t.manad
GROUP BY t.period HAVING count(*) FILTER (WHERE m.period IS NULL) = 0;

CREATE OR REPLACE TEMP TABLE b_besok_listade AS
SELECT _reporting_month AS period, person_id, upper(trim(hsa_id)) AS hsa_id,
       upper(nullif(trim(fast_lakarkontakt), '')) AS flk, coalesce(sarskilt_boende, false) AS sabo
FROM raw.listning_listning WHERE person_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY _reporting_month, person_id
                           ORDER BY listningsdatum DESC NULLS LAST, upper(trim(hsa_id)),
                                    upper(nullif(trim(fast_lakarkontakt), '')) NULLS LAST,
                                    sarskilt_boende DESC NULLS LAST) = 1;

CREATE OR REPLACE TEMP TABLE b_lakarbesok AS
SELECT _reporting_month AS period, person_id, upper(nullif(trim(personal_hsa_id), '')) AS lakare
FROM raw.besok_besok
WHERE coalesce(upper(trim(yrkesgrupp)) = 'XS915', false) AND nullif(trim(personal_hsa_id), '') IS NOT NULL
  AND person_id IS NOT NULL;

INSERT INTO b_facts
WITH pm AS (SELECT period, person_id, lakare, count(*) AS besok FROM b_lakarbesok GROUP BY ALL),
pl AS (
    SELECT f.period, pm.person_id, pm.lakare, sum(pm.besok) AS n_j
    FROM b_besok_fonster f JOIN pm ON pm.period BETWEEN f.forsta AND f.period GROUP BY ALL
),
pp AS (
    SELECT period, person_id, sum(n_j) AS n, max(n_j) AS n_max, sum(n_j * n_j) AS n_kvadrat FROM pl GROUP BY ALL
),
x AS (
    SELECT pp.period, l.hsa_id, l.sabo, md5_number(pp.person_id) AS pk,
           CAST(pp.n_max AS DOUBLE) / pp.n AS upc,
           CAST(pp.n_kvadrat - pp.n AS DOUBLE) / (pp.n * (pp.n - 1)) AS coc
    FROM pp JOIN b_besok_listade l ON l.period = pp.period AND l.person_id = pp.person_id
    WHERE pp.n >= 2
)
SELECT 'KB', 'antal_minst_tva', period, hsa_id, NULL, pk, NULL FROM x
UNION ALL SELECT 'KB', 'upc_summa', period, hsa_id, NULL, NULL, CAST(sum(CAST(upc AS DECIMAL(38, 12))) AS DOUBLE)
FROM x GROUP BY period, hsa_id
UNION ALL SELECT 'KB', 'coc_summa', period, hsa_id, NULL, NULL, CAST(sum(CAST(coc AS DECIMAL(38, 12))) AS DOUBLE)
FROM x GROUP BY period, hsa_id
UNION ALL SELECT 'KB', 'antal_minst_tva_sabo', period, hsa_id, NULL, pk, NULL FROM x WHERE sabo
UNION ALL SELECT 'KB', 'upc_summa_sabo', period, hsa_id, NULL, NULL, CAST(sum(CAST(upc AS DECIMAL(38, 12))) AS DOUBLE)
FROM x WHERE sabo GROUP BY period, hsa_id;

-- K6: the month's physician visits of persons with a named GP in the month's listing, at their unit.
INSERT INTO b_facts
WITH k AS (
    SELECT v.period, l.hsa_id, count(*) AS besok, count(*) FILTER (WHERE v.lakare = l.flk) AS hos
    FROM b_lakarbesok v JOIN b_besok_listade l ON l.period = v.period AND l.person_id = v.person_id
    WHERE l.flk IS NOT NULL GROUP BY ALL
)
SELECT 'KB', 'lb_med_flk', period, hsa_id, NULL, NULL, besok FROM k
UNION ALL SELECT 'KB', 'lb_hos_flk', period, hsa_id, NULL, NULL, hos FROM k;

-- A1-A3 (mångåkare): the window D - (days - 1) .. D of each ambulance month
-- every reporting month of whose window was delivered (a gap anywhere withholds it).
CREATE OR REPLACE TEMP TABLE b_fonster AS
WITH months AS (
    SELECT DISTINCT _reporting_month AS period, CAST(_reporting_month || '-01' AS DATE) AS ms
    FROM raw.ambulans_uppdrag
), w AS (
    SELECT period, ms, CAST(last_day(ms) AS DATE) AS slut,
           CAST(last_day(ms) - INTERVAL (@FONSTER_DAGAR@ - 1) DAY AS DATE) AS start
    FROM months
), touched AS (
    SELECT period, strftime(unnest(generate_series(CAST(date_trunc('month', start) AS DATE), ms,
                                                   INTERVAL 1 MONTH)), '%Y-%m') AS m
    FROM w
)
SELECT period, start, slut FROM w
WHERE period NOT IN (SELECT t.period FROM touched t WHERE t.m NOT IN (SELECT period FROM months));

CREATE OR REPLACE TEMP TABLE b_uppdrag AS
SELECT f.period, u.uppdrag_id, u.person_id, u.larmtid, u.kommunkod
FROM b_fonster f
JOIN raw.ambulans_uppdrag u ON CAST(u.larmtid AS DATE) BETWEEN f.start AND f.slut;

-- The kommun of the latest assignment with a kommunkod; a person with none is counted at region level
-- only, in the one region of the window's assignments with a known kommunkod (else nowhere).
CREATE OR REPLACE TEMP TABLE b_mangakare AS
WITH m AS (
    SELECT period, person_id, arg_max(kommunkod, (larmtid, uppdrag_id)) FILTER (WHERE kommunkod IS NOT NULL) AS kommunkod
    FROM b_uppdrag
    WHERE person_id IS NOT NULL
    GROUP BY period, person_id
    HAVING count(*) >= @MIN_UPPDRAG@
), wr AS (
    SELECT u.period, min(k.regionkod) AS regionkod
    FROM b_uppdrag u JOIN b_kommuner k ON k.kommunkod = u.kommunkod
    GROUP BY u.period HAVING count(DISTINCT k.regionkod) = 1
)
SELECT m.period, m.person_id, m.kommunkod, CASE WHEN m.kommunkod IS NULL THEN wr.regionkod END AS regionkod
FROM m LEFT JOIN wr ON wr.period = m.period;

-- The two person measures of A1/A3, placed by kommun or (without one) by region only.
CREATE OR REPLACE TEMP TABLE b_mangakare_facts AS
SELECT 'antal_mangakare' AS measure, period, kommunkod, regionkod, md5_number(person_id) AS item_key
FROM b_mangakare
UNION ALL
SELECT 'mangakare_med_flk', m.period, m.kommunkod, m.regionkod, md5_number(m.person_id)
FROM b_mangakare m
WHERE EXISTS (
    SELECT 1 FROM raw.listning_listning l
    WHERE l._reporting_month = m.period AND l.person_id = m.person_id
      AND nullif(trim(l.fast_lakarkontakt), '') IS NOT NULL);

INSERT INTO b_facts
SELECT 'A', 'invanare', c.period, NULL, k.kommunkod, NULL, k.invanare
FROM (SELECT DISTINCT u.period, k.regionkod FROM b_uppdrag u JOIN b_kommuner k ON k.kommunkod = u.kommunkod) c
JOIN b_kommuner k ON k.regionkod = c.regionkod
UNION ALL
SELECT 'A', measure, period, NULL, kommunkod, item_key, NULL FROM b_mangakare_facts WHERE kommunkod IS NOT NULL
UNION ALL
SELECT 'A', 'uppdrag_i_fonster', period, NULL, kommunkod, NULL, count(*)
FROM b_uppdrag WHERE kommunkod IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'A', 'uppdrag_av_mangakare', u.period, NULL, u.kommunkod, NULL, count(*)
FROM b_uppdrag u JOIN b_mangakare m ON m.period = u.period AND m.person_id = u.person_id
WHERE u.kommunkod IS NOT NULL GROUP BY ALL;

-- V1, V2 (vhu), yearly.
INSERT INTO b_facts
SELECT DISTINCT 'V', 'antal_inbjudna', substr(CAST(inbjudningsdatum AS VARCHAR), 1, 4), upper(trim(hsa_id)), NULL,
       md5_number(coalesce(person_id, 'unidentified:' || _source_file || ':' || CAST(_source_line AS VARCHAR))), NULL
FROM raw.vhu_inbjudan;

INSERT INTO b_facts
WITH u AS (
    SELECT substr(CAST(undersokningsdatum AS VARCHAR), 1, 4) AS period, upper(trim(hsa_id)) AS hsa_id,
           md5_number(coalesce(person_id, 'unidentified:' || _source_file || ':' || CAST(_source_line AS VARCHAR))) AS pk,
           coalesce(fysisk_aktivitet_lag, false) AS lag,
           coalesce(fysisk_aktivitet_lag AND far_forskriven, false) AS lag_far
    FROM raw.vhu_undersokning
)
SELECT DISTINCT 'V', 'antal_undersokta', period, hsa_id, NULL, pk, NULL FROM u
UNION ALL
SELECT DISTINCT 'V', 'antal_lag_aktivitet', period, hsa_id, NULL, pk, NULL FROM u WHERE lag
UNION ALL
SELECT DISTINCT 'V', 'antal_lag_aktivitet_med_far', period, hsa_id, NULL, pk, NULL FROM u WHERE lag_far;

-- Roll-up to the four levels: sums for amounts, distinct persons for person keys,
-- by the plan of dbt's int_measures_rolled_up (docs/decisions.md, "The roll-up counts
-- by numbers"): facts numbered by slice (subject, measure, period) and place; a person
-- with one fact in a slice is counted at its place and summed up the levels; only
-- persons with several facts are counted distinct per level. A unit missing from the
-- registry stays at vardenhet level; a kommun missing from the municipality table at
-- kommun level.
CREATE OR REPLACE TEMP TABLE b_rolled AS
WITH facts AS NOT MATERIALIZED (
    SELECT subject, measure, period, hsa_id, kommunkod, CAST(NULL AS VARCHAR) AS region_only, item_key, amount
    FROM b_facts
    UNION ALL
    SELECT 'A', measure, period, NULL, NULL, regionkod, item_key, NULL
    FROM b_mangakare_facts WHERE kommunkod IS NULL AND regionkod IS NOT NULL
), slices AS (
    SELECT subject, measure, period, row_number() OVER () AS slice_id
    FROM (SELECT DISTINCT subject, measure, period FROM facts)
), places AS (
    SELECT n.hsa_id, n.kommunkod AS fact_kommunkod, n.region_only, l.kommunkod, k.lansdel,
           coalesce(k.regionkod, n.region_only) AS regionkod, row_number() OVER () AS place_id
    FROM (SELECT DISTINCT hsa_id, kommunkod, region_only FROM facts) n
    LEFT JOIN b_enheter e ON e.hsa_id = n.hsa_id
    CROSS JOIN LATERAL (SELECT CASE WHEN n.hsa_id IS NOT NULL THEN e.kommunkod ELSE n.kommunkod END AS kommunkod) l
    LEFT JOIN b_kommuner k ON k.kommunkod = l.kommunkod
), numbered AS NOT MATERIALIZED (
    SELECT s.slice_id, p.place_id, f.item_key, f.amount
    FROM facts f
    JOIN slices s ON s.subject = f.subject AND s.measure = f.measure AND s.period = f.period
    JOIN places p ON p.hsa_id IS NOT DISTINCT FROM f.hsa_id AND p.fact_kommunkod IS NOT DISTINCT FROM f.kommunkod
                 AND p.region_only IS NOT DISTINCT FROM f.region_only
), persons AS MATERIALIZED (
    SELECT slice_id, item_key, count(*) AS n, min(place_id) AS place_id
    FROM numbered WHERE item_key IS NOT NULL GROUP BY slice_id, item_key
), per_place AS (
    SELECT slice_id, place_id, NULL AS item_key, count(*) AS persons, CAST(NULL AS DECIMAL(38, 6)) AS summed
    FROM persons WHERE n = 1 GROUP BY slice_id, place_id
    UNION ALL
    SELECT nb.slice_id, nb.place_id, nb.item_key, 0, NULL
    FROM numbered nb JOIN persons p ON p.slice_id = nb.slice_id AND p.item_key = nb.item_key WHERE p.n > 1
    UNION ALL
    SELECT slice_id, place_id, NULL, 0, sum(amount::DECIMAL(38, 6))
    FROM numbered WHERE item_key IS NULL GROUP BY slice_id, place_id
), g AS (
    SELECT pp.slice_id, p.hsa_id, p.kommunkod, p.lansdel, p.regionkod,
           grouping(p.hsa_id, p.kommunkod, p.lansdel, p.regionkod) AS gid,
           CASE WHEN sum(pp.persons) + count(pp.item_key) > 0 THEN sum(pp.persons) + count(DISTINCT pp.item_key)
                ELSE sum(pp.summed)::DOUBLE END AS amount
    FROM per_place pp JOIN places p ON p.place_id = pp.place_id
    GROUP BY GROUPING SETS ((pp.slice_id, p.hsa_id), (pp.slice_id, p.kommunkod),
                            (pp.slice_id, p.lansdel), (pp.slice_id, p.regionkod))
)
SELECT s.subject, s.measure, s.period,
       CASE gid WHEN 7 THEN 'vardenhet' WHEN 11 THEN 'kommun' WHEN 13 THEN 'lansdel' ELSE 'region' END AS level,
       CASE gid WHEN 7 THEN hsa_id WHEN 11 THEN kommunkod WHEN 13 THEN lansdel ELSE regionkod END AS unit_id,
       amount
FROM g JOIN slices s ON s.slice_id = g.slice_id
WHERE CASE gid WHEN 7 THEN hsa_id WHEN 11 THEN kommunkod WHEN 13 THEN lansdel ELSE regionkod END IS NOT NULL;

-- One row per subject, period, level and unit with data; a measure is NULL when
-- its extract was not delivered for the period, 0 when delivered but empty.
CREATE OR REPLACE TEMP TABLE b_wide AS
WITH p AS (
    SELECT subject, period, level, unit_id,
           sum(amount) FILTER (WHERE measure = 'samtal_inkommande') AS samtal_inkommande,
           sum(amount) FILTER (WHERE measure = 'samtal_besvarade') AS samtal_besvarade,
           sum(amount) FILTER (WHERE measure = 'kontakter_bedomda') AS kontakter_bedomda,
           sum(amount) FILTER (WHERE measure = 'kontakter_inom_3') AS kontakter_inom_3,
           sum(amount) FILTER (WHERE measure = 'antal_listade') AS antal_listade,
           sum(amount) FILTER (WHERE measure = 'listade_med_flk') AS listade_med_flk,
           sum(amount) FILTER (WHERE measure = 'fte_specialist') AS fte_specialist,
           sum(amount) FILTER (WHERE measure = 'fte_st') AS fte_st,
           sum(amount) FILTER (WHERE measure = 'invanare') AS invanare,
           sum(amount) FILTER (WHERE measure = 'antal_mangakare') AS antal_mangakare,
           sum(amount) FILTER (WHERE measure = 'mangakare_med_flk') AS mangakare_med_flk,
           sum(amount) FILTER (WHERE measure = 'uppdrag_i_fonster') AS uppdrag_i_fonster,
           sum(amount) FILTER (WHERE measure = 'uppdrag_av_mangakare') AS uppdrag_av_mangakare,
           sum(amount) FILTER (WHERE measure = 'antal_inbjudna') AS antal_inbjudna,
           sum(amount) FILTER (WHERE measure = 'antal_undersokta') AS antal_undersokta,
           sum(amount) FILTER (WHERE measure = 'antal_lag_aktivitet') AS antal_lag_aktivitet,
           sum(amount) FILTER (WHERE measure = 'antal_lag_aktivitet_med_far') AS antal_lag_aktivitet_med_far,
           sum(amount) FILTER (WHERE measure = 'listade_med_fvk') AS listade_med_fvk,
           sum(amount) FILTER (WHERE measure = 'antal_minst_tva') AS antal_minst_tva,
           sum(amount) FILTER (WHERE measure = 'upc_summa') AS upc_summa,
           sum(amount) FILTER (WHERE measure = 'coc_summa') AS coc_summa,
           sum(amount) FILTER (WHERE measure = 'antal_minst_tva_sabo') AS antal_minst_tva_sabo,
           sum(amount) FILTER (WHERE measure = 'upc_summa_sabo') AS upc_summa_sabo,
           sum(amount) FILTER (WHERE measure = 'lb_med_flk') AS lb_med_flk,
           sum(amount) FILTER (WHERE measure = 'lb_hos_flk') AS lb_hos_flk
    FROM b_rolled GROUP BY ALL
), d AS (
    SELECT period,
           bool_or(d = 'telefoni') AS telefoni, bool_or(d = 'bedomning') AS bedomning,
           bool_or(d = 'listning') AS listning, bool_or(d = 'lakare') AS lakare,
           bool_or(d = 'inbjudan') AS inbjudan, bool_or(d = 'undersokning') AS undersokning,
           bool_or(d = 'besok') AS besok
    FROM b_delivered GROUP BY period
), f AS (SELECT period, true AS fonster FROM b_fonster),
fb AS (SELECT period, true AS fonster FROM b_besok_fonster)
SELECT p.subject, p.period, p.level, p.unit_id,
       CASE WHEN d.telefoni THEN coalesce(samtal_inkommande, 0) END AS samtal_inkommande,
       CASE WHEN d.telefoni THEN coalesce(samtal_besvarade, 0) END AS samtal_besvarade,
       CASE WHEN d.bedomning THEN coalesce(kontakter_bedomda, 0) END AS kontakter_bedomda,
       CASE WHEN d.bedomning THEN coalesce(kontakter_inom_3, 0) END AS kontakter_inom_3,
       CASE WHEN d.listning THEN coalesce(antal_listade, 0) END AS antal_listade,
       CASE WHEN d.listning THEN coalesce(listade_med_flk, 0) END AS listade_med_flk,
       CASE WHEN d.lakare THEN coalesce(fte_specialist, 0) END AS fte_specialist,
       CASE WHEN d.lakare THEN coalesce(fte_st, 0) END AS fte_st,
       CASE WHEN f.fonster THEN coalesce(invanare, 0) END AS invanare,
       CASE WHEN f.fonster THEN coalesce(antal_mangakare, 0) END AS antal_mangakare,
       CASE WHEN d.listning THEN coalesce(mangakare_med_flk, 0) END AS mangakare_med_flk,
       CASE WHEN f.fonster THEN coalesce(uppdrag_i_fonster, 0) END AS uppdrag_i_fonster,
       CASE WHEN f.fonster THEN coalesce(uppdrag_av_mangakare, 0) END AS uppdrag_av_mangakare,
       CASE WHEN d.inbjudan THEN coalesce(antal_inbjudna, 0) END AS antal_inbjudna,
       CASE WHEN d.undersokning THEN coalesce(antal_undersokta, 0) END AS antal_undersokta,
       CASE WHEN d.undersokning THEN coalesce(antal_lag_aktivitet, 0) END AS antal_lag_aktivitet,
       CASE WHEN d.undersokning THEN coalesce(antal_lag_aktivitet_med_far, 0) END AS antal_lag_aktivitet_med_far,
       CASE WHEN d.listning THEN coalesce(listade_med_fvk, 0) END AS listade_med_fvk,
       CASE WHEN fb.fonster THEN coalesce(antal_minst_tva, 0) END AS antal_minst_tva,
       CASE WHEN fb.fonster THEN coalesce(upc_summa, 0) END AS upc_summa,
       CASE WHEN fb.fonster THEN coalesce(coc_summa, 0) END AS coc_summa,
       CASE WHEN fb.fonster THEN coalesce(antal_minst_tva_sabo, 0) END AS antal_minst_tva_sabo,
       CASE WHEN fb.fonster THEN coalesce(upc_summa_sabo, 0) END AS upc_summa_sabo,
       CASE WHEN d.besok THEN coalesce(lb_med_flk, 0) END AS lb_med_flk,
       CASE WHEN d.besok THEN coalesce(lb_hos_flk, 0) END AS lb_hos_flk
FROM p LEFT JOIN d ON d.period = p.period LEFT JOIN f ON f.period = p.period LEFT JOIN fb ON fb.period = p.period;

CREATE OR REPLACE TABLE marts.indikatorer AS
WITH r AS (
    SELECT 'T1_TELEFON_SAMMA_DAG' AS indicator_id, period, level, unit_id, samtal_besvarade AS num, samtal_inkommande AS den, 1.0 AS scale, 1.0 AS target FROM b_wide WHERE subject = 'T'
    UNION ALL SELECT 'T2_BEDOMNING_3_DAGAR', period, level, unit_id, kontakter_inom_3, kontakter_bedomda, 1, 1.0 FROM b_wide WHERE subject = 'T'
    UNION ALL SELECT 'K1_FAST_LAKARKONTAKT', period, level, unit_id, listade_med_flk, antal_listade, 1, 0.55 FROM b_wide WHERE subject = 'K'
    UNION ALL SELECT 'K2_LISTADE_PER_SPECIALIST', period, level, unit_id, antal_listade, fte_specialist, 1, @RIKTVARDE_SPECIALIST@ FROM b_wide WHERE subject = 'K'
    UNION ALL SELECT 'K3_RIKTVARDE_TACKNING', period, level, unit_id, @RIKTVARDE_SPECIALIST@ * fte_specialist + @RIKTVARDE_ST@ * fte_st, antal_listade, 1, 1.0 FROM b_wide WHERE subject = 'K'
    UNION ALL SELECT 'A1_MANGAKARE_PER_1000', period, level, unit_id, antal_mangakare, invanare, 1000, NULL FROM b_wide WHERE subject = 'A'
    UNION ALL SELECT 'A2_MANGAKARE_ANDEL_UPPDRAG', period, level, unit_id, uppdrag_av_mangakare, uppdrag_i_fonster, 1, NULL FROM b_wide WHERE subject = 'A'
    UNION ALL SELECT 'A3_MANGAKARE_MED_FAST_LAKARE', period, level, unit_id, mangakare_med_flk, antal_mangakare, 1, 0.55 FROM b_wide WHERE subject = 'A'
    UNION ALL SELECT 'V1_VHU_DELTAGANDE', period, level, unit_id, antal_undersokta, antal_inbjudna, 1, NULL FROM b_wide WHERE subject = 'V'
    UNION ALL SELECT 'V2_VHU_FAR_VID_LAG_AKTIVITET', period, level, unit_id, antal_lag_aktivitet_med_far, antal_lag_aktivitet, 1, NULL FROM b_wide WHERE subject = 'V'
    UNION ALL SELECT 'K8_FAST_VARDKONTAKT', period, level, unit_id, listade_med_fvk, antal_listade, 1, NULL FROM b_wide WHERE subject = 'K'
    UNION ALL SELECT 'K4_KONTINUITET_UPC', period, level, unit_id, upc_summa, antal_minst_tva, 1, NULL FROM b_wide WHERE subject = 'KB'
    UNION ALL SELECT 'K5_KONTINUITET_COC', period, level, unit_id, coc_summa, antal_minst_tva, 1, NULL FROM b_wide WHERE subject = 'KB'
    UNION ALL SELECT 'K6_BESOK_HOS_FAST_LAKARE', period, level, unit_id, lb_hos_flk, lb_med_flk, 1, NULL FROM b_wide WHERE subject = 'KB'
    UNION ALL SELECT 'K7_KONTINUITET_UPC_SABO', period, level, unit_id, upc_summa_sabo, antal_minst_tva_sabo, 1, NULL FROM b_wide WHERE subject = 'KB'
), rule AS (
    SELECT indicator_id, protects, CAST(hide_denominator AS BOOLEAN) AS hide_denominator
    FROM read_csv('@ROJANDEKONTROLL_CSV@', delim = ',', header = true, all_varchar = true)
), names AS (
    SELECT 'vardenhet' AS level, hsa_id AS unit_id, enhetsnamn AS unit_name FROM b_enheter
    UNION ALL SELECT 'kommun', kommunkod, kommun FROM b_kommuner
    UNION ALL SELECT DISTINCT 'lansdel', lansdel, lansdel FROM b_kommuner WHERE lansdel IS NOT NULL
    UNION ALL SELECT DISTINCT 'region', regionkod, region FROM b_kommuner
), p AS (
    -- Disclosure control (seed rojandekontroll): the count the indicator protects, 1 .. threshold - 1.
    SELECT r.*, c.hide_denominator,
           (CASE c.protects WHEN 'numerator' THEN num ELSE den END) > 0
           AND (CASE c.protects WHEN 'numerator' THEN num ELSE den END) < @THRESHOLD@ AS suppressed
    FROM r JOIN rule c ON c.indicator_id = r.indicator_id
    WHERE den > 0 AND num IS NOT NULL
)
SELECT CAST(p.indicator_id AS VARCHAR) AS indicator_id, p.period, p.level, p.unit_id,
       coalesce(n.unit_name, CASE p.level WHEN 'vardenhet' THEN p.unit_id || ' (okänd enhet)'
                                          WHEN 'kommun' THEN p.unit_id || ' (okänd kommun)' ELSE p.unit_id END) AS unit_name,
       CAST(CASE WHEN suppressed THEN NULL ELSE num END AS DOUBLE) AS numerator,
       CAST(CASE WHEN suppressed AND hide_denominator THEN NULL ELSE den END AS DOUBLE) AS denominator,
       CAST(CASE WHEN suppressed THEN NULL ELSE num / den * scale END AS DOUBLE) AS value,
       CAST(target AS DOUBLE) AS target,
       suppressed
FROM p LEFT JOIN names n ON n.level = p.level AND n.unit_id = p.unit_id;
