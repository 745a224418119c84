"""The page: one Jinja2 template (kept in Python so it ships with the package without package-data
settings). Autoescaped; only plotly's own output and plotly.js are inserted unescaped."""

DQ_SECTION = """<section id="datakvalitet">
  <h2>Datakvalitet – alla brister</h2>
  <p class="what">Från <code>marts.dq_findings</code>: registreringsluckor (varning) och brutna leveranskontrakt (fel).
  Antal under {{ threshold }} på enhetsnivå visas inte.{% if dq_total > dq_rows | length %} Visar {{ dq_rows | length }}
  av {{ dq_total }}; alla finns i tabellen.{% endif %}</p>
  {% if dq_rows %}
  <div class="scroll"><table>
    <thead><tr><th>Allvar</th><th>Källa</th><th>Kontroll</th><th>Period</th><th>Nivå</th><th>Enhet</th>
      <th class="num">Berörda</th><th>Meddelande</th></tr></thead>
    <tbody>
    {% for f in dq_rows %}
      <tr><td><span class="badge {{ f.severity_class }}">{{ f.severity }}</span></td><td>{{ f.source }}</td>
        <td>{{ f.check_id }}</td><td>{{ f.period }}</td><td>{{ f.level }}</td><td>{{ f.unit }}</td>
        <td class="num">{{ f.affected }}</td><td>{{ f.message }}</td></tr>
    {% endfor %}
    </tbody>
  </table></div>
  {% else %}
  <p class="muted">Inga brister registrerade.</p>
  {% endif %}
</section>"""

PAGE = """<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nära vård – indikatorer</title>
<style>
  :root { --ink:#1d2733; --muted:#5b6775; --line:#d9dee5; --bg:#f5f7fa; --ok:#1a7f37; --under:#b42318;
          --warn:#9a6700; --err:#b42318; }
  * { box-sizing: border-box; }
  body { margin:0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink);
         background:var(--bg); font-size:14px; line-height:1.45; }
  header { background:#1f4e79; color:#fff; padding:18px 28px 14px; }
  header h1 { margin:0 0 4px; font-size:24px; }
  header p { margin:2px 0; color:#dce6f0; }
  nav { background:#fff; border-bottom:1px solid var(--line); padding:8px 28px; font-size:13px; }
  nav a { margin-right:14px; color:#1f4e79; text-decoration:none; white-space:nowrap; }
  main { max-width:1320px; margin:0 auto; padding:16px 28px 40px; }
  section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px; margin:0 0 18px; }
  h2 { margin:0 0 6px; font-size:19px; }
  h2 .id { font-size:12px; color:var(--muted); font-weight:normal; margin-left:8px; }
  h3 { font-size:14px; margin:14px 0 6px; }
  p.what { margin:0 0 4px; color:var(--muted); max-width:920px; }
  .grid2 { display:grid; grid-template-columns: 1fr 1fr; gap:16px; }
  .grid-side { display:grid; grid-template-columns: 3fr 2fr; gap:16px; align-items:start; }
  table { border-collapse:collapse; width:100%; font-size:13px; }
  th, td { padding:4px 8px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
  th { background:#eef2f6; font-weight:600; position:sticky; top:0; }
  td.num, th.num { text-align:right; white-space:nowrap; font-variant-numeric: tabular-nums; }
  .scroll { max-height:420px; overflow:auto; border:1px solid var(--line); border-radius:6px; }
  .ok { color:var(--ok); font-weight:600; }
  .under { color:var(--under); font-weight:600; }
  .prickad { color:var(--muted); font-style:italic; }
  .muted { color:var(--muted); }
  .badge { display:inline-block; border-radius:10px; padding:0 7px; font-size:12px; font-weight:600; }
  .badge.warn { background:#fff4d6; color:var(--warn); }
  .badge.error { background:#fde2e1; color:var(--err); }
  aside.dq { background:#fffbf0; border:1px solid #f0e2b8; border-radius:6px; padding:10px 12px; }
  aside.dq h3 { margin-top:0; }
  aside.dq ul { margin:4px 0 8px; padding-left:18px; }
  aside.dq li { margin-bottom:6px; }
  .legend { font-size:12px; color:var(--muted); margin-top:6px; }
  footer { color:var(--muted); font-size:12px; text-align:center; padding:10px; }
  @media (max-width: 1000px) { .grid2, .grid-side { grid-template-columns: 1fr; } }
</style>
{% if plotly_src %}<script type="text/javascript" src="{{ plotly_src }}"></script>
{% else %}<script type="text/javascript">{{ plotly_js | safe }}</script>
{% endif %}
</head>
<body>
<header>
  <h1>Nära vård – indikatorer</h1>
  <p>{{ regions | join(", ") }} · {{ first_period }} till {{ last_period }}</p>
  <p>Publicerad {{ published_at }} · publicering {{ publication_id }}{% if run_id %} · körning {{ run_id }}{% endif %}</p>
</header>
<nav>
  {% if home %}<a href="{{ home }}">← Alla regioner</a>{% endif %}
  <a href="#oversikt">Översikt</a>
  {% for s in sections %}<a href="#{{ s.id }}">{{ s.short }}</a>{% endfor %}
  <a href="#datakvalitet">Datakvalitet</a>
</nav>
<main>
<section id="oversikt">
  <h2>Översikt – senaste period</h2>
  <p class="what">Värden där underlaget (nämnaren) är mindre än {{ threshold }} är prickade och visas inte.
  Grönt: målet nås; rött: målet nås inte. Förändringen är mot perioden före. Bristerna i registreringen, som
  gör siffrorna osäkra, står vid varje indikator och samlat <a href="#datakvalitet">längst ned</a>.</p>
  <table>
    <thead><tr><th>Indikator</th><th>Period</th>
      {% for r in regions %}<th class="num">{{ r }}</th><th class="num">Förändring</th>{% endfor %}
      <th class="num">Mål</th><th class="num">Brister</th></tr></thead>
    <tbody>
    {% for row in overview %}
      <tr><td><a href="#{{ row.id }}">{{ row.title }}</a></td><td>{{ row.period }}</td>
        {% for c in row.cells %}<td class="num {{ c.status }}">{{ c.value }}</td><td class="num muted">{{ c.change }}</td>{% endfor %}
        <td class="num">{{ row.target }}</td><td class="num">{{ row.gaps }}</td></tr>
    {% endfor %}
    </tbody>
  </table>
</section>

{% for s in sections %}
<section class="indicator" id="{{ s.id }}">
  <h2>{{ s.title }}<span class="id">{{ s.id }}</span></h2>
  <p class="what">{{ s.what }}</p>
  <p class="what">Mål: {{ s.target }}{% if s.unit %} · {{ s.unit }}{% endif %}</p>
  <div class="grid2">
    <div class="chart"><h3>Region och länsdelar{% if s.has_target %} mot målet{% endif %}</h3>{{ s.trend | safe }}</div>
    <div class="chart"><h3>Kommuner{% if s.has_target %}: vitt = målet {{ s.target }}{% if s.better %}, rött = sämre, blått = bättre{% endif %}{% endif %}{% if s.unit_kind == "share" %} (procent){% endif %}</h3>{{ s.heatmap | safe }}
      <div class="legend">–: prickad (underlaget är mindre än {{ threshold }}); tom ruta: inga data den perioden.</div></div>
  </div>
  <div class="grid-side">
    <div>
      {% if s.units.rows %}
      <h3>Vårdenheter, {{ s.units.period }}{% if s.units.previous %} (jämfört med {{ s.units.previous }}){% endif %}</h3>
      {% if s.units.region %}<p class="what">{{ s.units.region.name }}, {{ s.units.period }}: {{ s.units.region.text }}.</p>{% endif %}
      <div class="scroll"><table>
        <thead><tr><th>Vårdenhet</th><th class="num">{{ s.units.period }}</th>
          {% if s.units.beside %}<th class="num">{{ s.units.beside }}</th>{% endif %}
          {% if s.units.region %}<th class="num">Mot regionen</th>{% endif %}
          {% if s.units.previous %}<th class="num">{{ s.units.previous }}</th><th class="num">Förändring</th>{% endif %}
          <th class="num">Mål</th><th class="num">Underlag</th><th class="num">Brister</th></tr></thead>
        <tbody>
        {% for u in s.units.rows %}
          <tr><td>{{ u.name }}</td>
            <td class="num {{ 'prickad' if u.suppressed else u.status }}">{{ 'prickad' if u.suppressed else u.value }}</td>
            {% if s.units.beside %}<td class="num">{{ u.beside }}</td>{% endif %}
            {% if s.units.region %}<td class="num muted">{{ u.vs_region }}</td>{% endif %}
            {% if s.units.previous %}<td class="num">{{ u.before }}</td><td class="num muted">{{ u.change }}</td>{% endif %}
            <td class="num">{{ u.target }}</td><td class="num">{{ u.underlag }}</td>
            <td class="num">{% if u.gaps %}<span class="badge warn" title="{{ u.gap_text }}">{{ u.gaps }}</span>{% endif %}</td></tr>
        {% endfor %}
        </tbody>
      </table></div>
      {% else %}
      <p class="muted">Indikatorn redovisas inte per vårdenhet.</p>
      {% endif %}
    </div>
    <aside class="dq">
      <h3>Brister i underlaget: {{ s.dq.source }}</h3>
      {% if s.dq.total %}
      <ul>
        {% for c in s.dq.checks %}
        <li><span class="badge {{ c.severity_class }}">{{ c.severity }}</span> {{ c.check_id }}: {{ c.count }} fynd ({{ c.periods }})</li>
        {% endfor %}
      </ul>
      <table>
        <thead><tr><th>Period</th><th>Enhet</th><th class="num">Berörda</th></tr></thead>
        <tbody>
        {% for f in s.dq.latest %}
          <tr><td>{{ f.period }}</td><td>{{ f.unit }}<br><span class="muted">{{ f.message }}</span></td><td class="num">{{ f.affected }}</td></tr>
        {% endfor %}
        </tbody>
      </table>
      {% else %}
      <p class="muted">Inga brister registrerade för {{ s.dq.source | lower }}.</p>
      {% endif %}
    </aside>
  </div>
</section>
{% endfor %}

""" + DQ_SECTION + """
</main>
<footer>Skapad av naravard ur den publicerade kopian (naravard.duckdb). Diagrammen ritas med plotly.js
{{ plotly_version }}, som är inbäddad i sidan: rapporten fungerar utan internetanslutning.</footer>
</body>
</html>
"""


# The national overview (index.html of a report with more than one region): the regions' latest values,
# a trend per indicator with a line per region, the data-quality gaps; each region links to its own page.
NATIONAL = PAGE[:PAGE.index("<body>")] + """<body>
<header>
  <h1>Nära vård – indikatorer, alla regioner</h1>
  <p>{{ n_regions }} regioner, {{ n_kommuner }} kommuner, {{ n_units }} vårdenheter · {{ first_period }} till {{ last_period }}</p>
  <p>Publicerad {{ published_at }} · publicering {{ publication_id }}{% if run_id %} · körning {{ run_id }}{% endif %}</p>
</header>
<nav>
  <a href="#oversikt">Översikt</a>
  {% for c in charts %}<a href="#{{ c.id }}">{{ c.short }}</a>{% endfor %}
  <a href="#datakvalitet">Datakvalitet</a>
</nav>
<main>
<section id="oversikt">
  <h2>Regionerna – senaste period</h2>
  <p class="what">Varje region har en egen sida med länsdelar, kommuner, vårdenheter och bristerna i underlaget:
  klicka på regionens namn. Värden där underlaget (nämnaren) är mindre än {{ threshold }} är prickade.
  Grönt: målet nås; rött: målet nås inte.{% if unplaced %} {{ unplaced }} rader gäller vårdenheter som saknas i
  enhetsregistret; de finns i tabellen men inte på någon regionsida.{% endif %}</p>
  <div class="scroll" style="max-height:none"><table>
    <thead><tr><th>Region</th>
      {% for c in columns %}<th class="num" title="{{ c.title }}, {{ c.period }}"><a href="#{{ c.id }}">{{ c.short }}</a><br><span class="muted">{{ c.period }}</span></th>{% endfor %}
    </tr></thead>
    <tbody>
    {% for r in rows %}
      <tr><td><a href="{{ r.page }}">{{ r.name }}</a></td>
        {% for c in r.cells %}<td class="num {{ c.status }}">{{ c.value }}</td>{% endfor %}</tr>
    {% endfor %}
    </tbody>
  </table></div>
</section>

<div class="grid2">
{% for c in charts %}
<section class="indicator" id="{{ c.id }}">
  <h2>{{ c.title }}<span class="id">{{ c.id }}</span></h2>
  <p class="what">{{ c.what }}</p>
  <div class="chart">{{ c.chart | safe }}</div>
</section>
{% endfor %}
</div>

""" + DQ_SECTION + """
</main>
<footer>Skapad av naravard ur den publicerade kopian (naravard.duckdb). Diagrammen ritas med plotly.js
{{ plotly_version }}, som ligger i samma mapp (plotly.min.js): rapporten fungerar utan internetanslutning.</footer>
</body>
</html>
"""
