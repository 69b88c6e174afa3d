"""Jinja2 templates of the recommendation report, as Python string constants (nothing to package).

Both templates render the same view model, built by :func:`eksadvisor.output.report.build_context`; they
hold layout only, no arithmetic. Safety is by default in both:

- ``HTML_TEMPLATE`` is rendered with ``autoescape=True``: every value is HTML-escaped unless it is
  the ``Markup`` of a chart SVG the report has validated itself.
- ``MARKDOWN_TEMPLATE`` is rendered with a ``finalize`` hook that Markdown-escapes every value (``|``,
  backticks, ``*``, ``_``, ``[``, ``<``, ``&`` ...), unless a helper (``table``, ``code``, ``fence``)
  built it already escaped. So an answer can never open a tag, a link, a code span or a table cell.

The report shows one ``Generated: <ISO time>`` line and no other time, so two renders of the same
answers differ only there.
"""

from __future__ import annotations

# ----------------------------------------------------------------------------------------- Markdown

MARKDOWN_TEMPLATE = """\
# EKS pod networking recommendation: {{ cluster_name }}

Generated: {{ generated_at }}

eksadvisor {{ provenance.eksadvisor_version }}, recommendation schema {{ provenance.schema_version }}, answers {{ code(provenance.answers_digest) }}

## Contents

{% for s in sections %}
- {{ s.title }}
{% endfor %}

## 1. Summary

**{{ mode_label }}**

{{ summary }}

{{ table(["Decision", "Value"], facts) }}

## 2. Answers

{{ table(["Answer", "Value"], answer_rows) }}

The full answers, re-importable with `eksadvisor advise`, are in the appendix.

## 3. Max pods

### Per instance type

{{ table(["Instance type", "Mode", "kubelet max-pods", "Raw ceiling", "Formula", "Why"], max_pods_rows) }}

### Per node group

{{ table(["Node group", "Instance types", "kubelet max-pods", "Limited by", "Desired nodes", "Max nodes", "Pods per node"], node_group_rows) }}

## 4. IP budget

### Per node

{% if per_node_rows %}
{{ table(per_node_headers, per_node_rows) }}
{% else %}
No per-node figures.
{% endif %}

### Per node group at max nodes

{{ table(["Node group", "Max nodes", "Node subnet addresses", "Pod subnet addresses", "Subnet addresses"], at_max_rows) }}
{% for n in fargate_notes %}
- {{ n }}
{% endfor %}

### Per Availability Zone

{% if az_rows %}
{{ table(az_headers, az_rows) }}
{% else %}
No per-AZ figures.
{% endif %}

## 5. Subnet layout

{% if subnet_rows %}
{{ table(["Name", "Role", "AZ", "CIDR", "Usable IPs", "Existing", "Tags"], subnet_rows) }}
{% else %}
No subnets planned.
{% endif %}

{% if secondary_cidrs %}
Secondary CIDRs to associate with the VPC: {% for c in secondary_cidrs %}{{ code(c) }}{% if not loop.last %}, {% endif %}{% endfor %}


{% endif %}
### VPC address map

{% for m in address_map %}
**{{ m.cidr }}** ({{ m.label }}, {{ m.addresses }} addresses)

{{ table(["Block", "Use", "Addresses", "Share"], m.rows) }}

{% else %}
No VPC CIDR to map.

{% endfor %}
{% if findings %}
### Subnet planner findings

{% for f in findings %}
- {{ f.severity_label }} {{ code(f.id) }}: {{ f.message }}
{% if f.ranges %}
  - Ranges: {{ f.ranges }}
{% endif %}
{% if f.confidence %}
  - Confidence: {{ f.confidence }}
{% endif %}
{% if f.source %}
  - Source: {{ f.source }}
{% endif %}
{% endfor %}

{% endif %}
## 6. aws-node settings

### aws-node container environment

{% if settings_rows %}
{{ table(["Variable", "Value"], settings_rows) }}
{% else %}
No changes to the defaults.
{% endif %}

### aws-vpc-cni-init container environment

{% if init_settings_rows %}
{{ table(["Variable", "Value"], init_settings_rows) }}
{% else %}
No changes to the defaults.
{% endif %}

## 7. Warnings

{% if warning_counts %}
{{ warning_counts }}

{% for group in warning_groups %}
### {{ group.label }} ({{ group.entries|length }})

{% for w in group.entries %}
- **{{ code(w.id) }}**: {{ w.message }}
  - Remediation: {{ w.remediation }}
  - Source: {{ w.source }}
{% endfor %}

{% endfor %}
{% else %}
No warnings.

{% endif %}
## 8. Decision trace

{% for t in trace %}
{{ loop.index }}. {{ code(t.node) }} → {{ code(t.outcome) }}: {{ t.reason }}
    - Inputs: {{ t.inputs }}
    - Source: {{ t.source }}
{% else %}
No decision trace.
{% endfor %}

## 9. Alternatives

{% if alternative_rows %}
{{ table(["Option", "Verdict", "Why"], alternative_rows) }}
{% else %}
No alternatives considered.
{% endif %}

## 10. Compare options

{% if compare_rows %}
The same answers planned under each pod-addressing option by the same engine (`eksadvisor.compare`): addresses taken from the VPC at desired and at max nodes (warm pools included), whether the subnet plan fits, and how many more nodes its subnets hold.

{{ table(compare_headers, compare_rows) }}
{% else %}
No comparison: the recommendation was not advised from these answers.
{% endif %}

## 11. Generated configuration

{% for s in snippets %}
### {{ s.name }}

{{ fence(s.text, s.lang) }}

{% else %}
No generated configuration.

{% endfor %}
## 12. Provenance

{{ table(["Item", "Value"], provenance_rows) }}

## Appendix: answers (re-importable)

Save this as a file and run `eksadvisor advise FILE` to get this recommendation again.

{{ fence(answers_yaml, "yaml") }}
"""

# ---------------------------------------------------------------------------------------------- HTML

HTML_CSS = """\
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif; font-size: 14px;
  line-height: 1.45; color: #1f2328; background: #fff; margin: 0 auto; max-width: 1100px; padding: 24px;
  font-variant-ligatures: none; }
h1 { font-size: 1.7em; margin: 0 0 .2em; }
h2 { font-size: 1.3em; border-bottom: 2px solid #d0d7de; padding-bottom: .2em; margin-top: 1.8em; }
h3 { font-size: 1.08em; margin-top: 1.3em; }
p.meta { color: #57606a; margin: .1em 0; }
code, pre, .mono { font-family: "DejaVu Sans Mono", "SFMono-Regular", Consolas, "Liberation Mono", monospace;
  font-size: .92em; }
code { background: #f6f8fa; padding: 0 .25em; border-radius: 3px; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; padding: 10px 12px;
  white-space: pre; line-height: 1.35; }
table { border-collapse: collapse; margin: .6em 0 1em; width: auto; max-width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.nowrap, .cidr { white-space: nowrap; }
.mode { font-size: 1.15em; font-weight: bold; margin: .4em 0; }
.summary { background: #f0f6ff; border-left: 4px solid #0969da; padding: 8px 12px; }
.sev { display: inline-block; font-size: .8em; font-weight: bold; text-transform: uppercase;
  padding: 1px 6px; border-radius: 3px; color: #fff; }
.sev-critical { background: #cf222e; } .sev-warning { background: #9a6700; } .sev-info { background: #0969da; }
.warning { border: 1px solid #d0d7de; border-left-width: 4px; border-radius: 4px; padding: 6px 10px;
  margin: .5em 0; }
.warning.critical { border-left-color: #cf222e; } .warning.warning { border-left-color: #9a6700; }
.warning.info { border-left-color: #0969da; }
.warning p { margin: .25em 0; }
.free { color: #57606a; }
ol.trace li { margin: .45em 0; }
ol.trace p { margin: .15em 0; }
ol.trace p.detail { color: #57606a; font-size: .92em; }
figure.chart { margin: .8em 0 1.2em; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart figcaption { color: #57606a; font-size: .9em; }
nav.toc ul { columns: 2; list-style: none; padding-left: 0; }
@media screen { pre { overflow-x: auto; } }
@page { size: A4; margin: 16mm 14mm 18mm;
  @bottom-left { content: "eksadvisor recommendation"; font-family: "DejaVu Sans", Arial, sans-serif;
    font-size: 8pt; color: #57606a; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font-family: "DejaVu Sans", Arial, sans-serif;
    font-size: 8pt; color: #57606a; } }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  tr, .warning, figure.chart, ol.trace li { break-inside: avoid; page-break-inside: avoid; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 7.5pt; }
  table { font-size: 8.5pt; }
  td.prose, .warning p, ol.trace p { overflow-wrap: anywhere; }
  nav.toc { display: none; }
  .summary { border-left-color: #000; }
}
"""

HTML_TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="eksadvisor {{ provenance.eksadvisor_version }}">
{% if pdf_created %}
<meta name="dcterms.created" content="{{ pdf_created }}">
{% endif %}
<title>EKS pod networking recommendation: {{ cluster_name }}</title>
<style>
{{ css }}</style>
</head>
<body>
{% macro table(headers, rows, classes=none) -%}
<table>
<thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}
<tr>{% for cell in row %}{{ td(cell) }}{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
{%- endmacro %}
{% macro td(cell) -%}
{% if cell is code %}<td class="nowrap"><code>{{ cell }}</code></td>{% elif cell is rich %}<td class="prose">{{ cell|rich }}</td>{% elif cell is number %}<td class="num">{{ cell }}</td>{% else %}<td>{{ cell }}</td>{% endif %}
{%- endmacro %}
{% macro chart(c) -%}
<figure class="chart" id="chart-{{ c.id }}">
{{ c.svg }}
<figcaption>{{ c.caption }}</figcaption>
</figure>
{%- endmacro %}
<header>
<h1>EKS pod networking recommendation: {{ cluster_name }}</h1>
<p class="meta">Generated: {{ generated_at }}</p>
<p class="meta">eksadvisor {{ provenance.eksadvisor_version }}, recommendation schema {{ provenance.schema_version }}, answers <code>{{ provenance.answers_digest }}</code></p>
</header>
<nav class="toc">
<h2>Contents</h2>
<ul>
{% for s in sections %}
<li><a href="#{{ s.id }}">{{ s.title }}</a></li>
{% endfor %}
</ul>
</nav>
<main>
<section id="summary">
<h2>1. Summary</h2>
<p class="mode">{{ mode_label }}</p>
<p class="summary">{{ summary }}</p>
{{ table(["Decision", "Value"], facts) }}
</section>

<section id="answers">
<h2>2. Answers</h2>
{{ table(["Answer", "Value"], answer_rows) }}
<p>The full answers, re-importable with <code>eksadvisor advise</code>, are in the <a href="#appendix-answers">appendix</a>.</p>
</section>

<section id="max-pods">
<h2>3. Max pods</h2>
<h3>Per instance type</h3>
{{ table(["Instance type", "Mode", "kubelet max-pods", "Raw ceiling", "Formula", "Why"], max_pods_rows) }}
<h3>Per node group</h3>
{{ table(["Node group", "Instance types", "kubelet max-pods", "Limited by", "Desired nodes", "Max nodes", "Pods per node"], node_group_rows) }}
</section>

<section id="ip-budget">
<h2>4. IP budget</h2>
<h3>Per node</h3>
{% if per_node_rows %}
{{ table(per_node_headers, per_node_rows) }}
{% else %}
<p>No per-node figures.</p>
{% endif %}
{% for c in charts if c.section == "ip-budget" %}
{{ chart(c) }}
{% endfor %}
<h3>Per node group at max nodes</h3>
{{ table(["Node group", "Max nodes", "Node subnet addresses", "Pod subnet addresses", "Subnet addresses"], at_max_rows) }}
{% if fargate_notes %}
<ul>
{% for n in fargate_notes %}
<li>{{ n }}</li>
{% endfor %}
</ul>
{% endif %}
<h3>Per Availability Zone</h3>
{% if az_rows %}
{{ table(az_headers, az_rows) }}
{% else %}
<p>No per-AZ figures.</p>
{% endif %}
</section>

<section id="subnets">
<h2>5. Subnet layout</h2>
{% if subnet_rows %}
{{ table(["Name", "Role", "AZ", "CIDR", "Usable IPs", "Existing", "Tags"], subnet_rows) }}
{% else %}
<p>No subnets planned.</p>
{% endif %}
{% if secondary_cidrs %}
<p>Secondary CIDRs to associate with the VPC: {% for c in secondary_cidrs %}<code>{{ c }}</code>{% if not loop.last %}, {% endif %}{% endfor %}</p>
{% endif %}
<h3>VPC address map</h3>
{% for c in charts if c.section == "subnets" %}
{{ chart(c) }}
{% endfor %}
{% for m in address_map %}
<p><strong class="cidr">{{ m.cidr }}</strong> ({{ m.label }}, {{ m.addresses }} addresses)</p>
{{ table(["Block", "Use", "Addresses", "Share"], m.rows) }}
{% else %}
<p>No VPC CIDR to map.</p>
{% endfor %}
{% if findings %}
<h3>Subnet planner findings</h3>
{% for f in findings %}
<div class="warning {{ f.severity }}">
<p><span class="sev sev-{{ f.severity }}">{{ f.severity_label }}</span> <code>{{ f.id }}</code>: {{ f.message|rich }}</p>
{% if f.ranges %}
<p><strong>Ranges:</strong> <span class="mono">{{ f.ranges }}</span></p>
{% endif %}
{% if f.confidence %}
<p><strong>Confidence:</strong> {{ f.confidence }}</p>
{% endif %}
{% if f.source %}
<p><strong>Source:</strong> {{ f.source }}</p>
{% endif %}
</div>
{% endfor %}
{% endif %}
</section>

<section id="settings">
<h2>6. aws-node settings</h2>
<h3>aws-node container environment</h3>
{% if settings_rows %}
{{ table(["Variable", "Value"], settings_rows) }}
{% else %}
<p>No changes to the defaults.</p>
{% endif %}
<h3>aws-vpc-cni-init container environment</h3>
{% if init_settings_rows %}
{{ table(["Variable", "Value"], init_settings_rows) }}
{% else %}
<p>No changes to the defaults.</p>
{% endif %}
</section>

<section id="warnings">
<h2>7. Warnings</h2>
{% if warning_counts %}
<p>{{ warning_counts }}</p>
{% for group in warning_groups %}
<h3>{{ group.label }} ({{ group.entries|length }})</h3>
{% for w in group.entries %}
<div class="warning {{ group.severity }}">
<p><span class="sev sev-{{ group.severity }}">{{ group.severity }}</span> <code>{{ w.id }}</code>: {{ w.message|rich }}</p>
<p><strong>Remediation:</strong> {{ w.remediation|rich }}</p>
<p><strong>Source:</strong> {{ w.source }}</p>
</div>
{% endfor %}
{% endfor %}
{% else %}
<p>No warnings.</p>
{% endif %}
</section>

<section id="trace">
<h2>8. Decision trace</h2>
{% if trace %}
<p>The decision graph walk, in order: each step's inputs, its outcome and why.</p>
<ol class="trace">
{% for t in trace %}
<li>
<p><code>{{ t.node }}</code> &rarr; <code>{{ t.outcome }}</code>: {{ t.reason|rich }}</p>
<p class="detail"><strong>Inputs:</strong> <span class="mono">{{ t.inputs }}</span></p>
<p class="detail"><strong>Source:</strong> {{ t.source }}</p>
</li>
{% endfor %}
</ol>
{% else %}
<p>No decision trace.</p>
{% endif %}
</section>

<section id="alternatives">
<h2>9. Alternatives</h2>
{% if alternative_rows %}
{{ table(["Option", "Verdict", "Why"], alternative_rows) }}
{% else %}
<p>No alternatives considered.</p>
{% endif %}
</section>

<section id="compare">
<h2>10. Compare options</h2>
{% if compare_rows %}
<p>The same answers planned under each pod-addressing option by the same engine (<code>eksadvisor.compare</code>): addresses taken from the VPC at desired and at max nodes (warm pools included), whether the subnet plan fits, and how many more nodes its subnets hold.</p>
{{ table(compare_headers, compare_rows) }}
{% for c in charts if c.section == "compare" %}
{{ chart(c) }}
{% endfor %}
{% else %}
<p>No comparison: the recommendation was not advised from these answers.</p>
{% endif %}
</section>

<section id="configuration">
<h2>11. Generated configuration</h2>
{% for s in snippets %}
<h3>{{ s.name }}</h3>
<pre><code>{{ s.text }}</code></pre>
{% else %}
<p>No generated configuration.</p>
{% endfor %}
</section>

<section id="provenance">
<h2>12. Provenance</h2>
{{ table(["Item", "Value"], provenance_rows) }}
</section>

<section id="appendix-answers">
<h2>Appendix: answers (re-importable)</h2>
<p>Save this as a file and run <code>eksadvisor advise FILE</code> to get this recommendation again.</p>
<pre><code>{{ answers_yaml }}</code></pre>
</section>
</main>
</body>
</html>
"""
