"""Write the example notebooks in notebooks/ (committed without outputs; tests/project/test_notebooks.py runs them).

Run: .venv/bin/python scripts/build_notebooks.py. The cells are kept here so a review reads them as code.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
SETUP = '''import eksadvisor
from pathlib import Path

# the three example answers files shipped with the tests (run from notebooks/)
EXAMPLES = Path("../tests/fixtures/shared/examples").resolve()'''

NOTEBOOKS = {
    "quickstart": [
        new_markdown_cell("# eksadvisor quickstart\n\nAdvise an answers file, look at the result, copy the "
                          "generated configuration. Results display as HTML summaries; details are folded."),
        new_code_cell(SETUP),
        new_code_cell('rec = eksadvisor.advise(EXAMPLES / "dense-platform.yaml")\n'
                      'assert rec.address_mode == "prefix" and rec.max_pods == {"m6i.2xlarge": 110}\nrec'),
        new_markdown_cell("Max pods for one instance type, with every term of AWS's max-pods-calculator.sh formula:"),
        new_code_cell('mp = eksadvisor.max_pods("m5.large", "1.19.2", prefix_delegation=True)\n'
                      'assert mp.max_pods == 110 and mp.raw_max_pods == 434\nmp'),
        new_markdown_cell("The addresses one node really holds (ipamd's settled state, warm pool included):"),
        new_code_cell('u = eksadvisor.node_usage("m5.large", 20)\nassert u.subnet_addresses == 30\nu'),
        new_markdown_cell("The subnet plan advise() recommended, and one of the generated snippets:"),
        new_code_cell('from eksadvisor.decide.advisor import subnet_plan\n\n'
                      'plan, sizing = subnet_plan(EXAMPLES / "dense-platform.yaml")\nplan'),
        new_code_cell('print(rec.snippets["aws-node-env.sh"])'),
    ],
    "what-if": [
        new_markdown_cell("# What if: every pod-addressing mode for the same cluster\n\n`eksadvisor.compare()` plans "
                          "the same answers under each option with the engine advise() uses: max pods, addresses "
                          "taken from the VPC, whether the subnet plan fits, and the headroom in nodes."),
        new_code_cell(SETUP + "\nimport pandas as pd\n\npd.set_option(\"display.max_colwidth\", 80)"),
        new_code_cell('small = eksadvisor.compare(EXAMPLES / "small-dev.yaml")\n'
                      'assert small.loc[small.recommended, "option"].item() == "secondary IP"\n'
                      'small.drop(columns=["note"])'),
        new_code_cell("small.pipe(eksadvisor.charts.compare_chart)"),
        new_code_cell('dense = eksadvisor.compare(EXAMPLES / "dense-platform.yaml").set_index("option")\n'
                      'assert dense.loc["secondary IP", "max_pods"] == 58 and dense.loc["prefix", "max_pods"] == 110\n'
                      'dense[["recommended", "max_pods", "subnet_addresses_max", "fits", "headroom_nodes"]]'),
        new_markdown_cell("An existing cluster whose node subnets are nearly full: each IPv4 option plans its "
                          "subnets in a new secondary CIDR, and IPv6 is ruled out (the row says why)."),
        new_code_cell('onprem = eksadvisor.compare(EXAMPLES / "exhausted-onprem.yaml")\n'
                      'assert not onprem.set_index("option").loc["IPv6", "available"]\n'
                      'onprem[["option", "recommended", "available", "fits", "secondary_cidrs", "headroom_nodes", "note"]]'),
        new_code_cell("onprem.pipe(eksadvisor.charts.compare_chart)"),
    ],
    "fleet": [
        new_markdown_cell("# Fleet: advice for many clusters at once\n\n`eksadvisor.advise_many()` advises every "
                          "answers file in a folder; a file that fails validation is a row with its error."),
        new_code_cell(SETUP + '''
import shutil
import tempfile

fleet = Path(tempfile.mkdtemp(prefix="eksadvisor-fleet-"))
for f in EXAMPLES.glob("*.yaml"):
    shutil.copy(f, fleet / f.name)
(fleet / "broken.yaml").write_text("node_groups: [1\\n")  # not valid YAML'''),
        new_code_cell('df = eksadvisor.advise_many(fleet)\n'
                      'assert len(df) == 4 and (df.error != "").sum() == 1\ndf'),
        new_code_cell('df[df.error == ""].groupby("mode").cluster.apply(list)'),
        new_code_cell("shutil.rmtree(fleet)"),
    ],
    "audit": [
        new_markdown_cell("# Audit an existing cluster\n\n`eksadvisor.audit.audit(folder)` reads a bundle of standard "
                          "command output (aws eks/ec2 describe-*, kubectl get -o json; `eksadvisor audit` prints the "
                          "commands) and finds what is wrong or running out. Here the bundle is synthesised by the "
                          "test suite's builder so the notebook runs anywhere."),
        new_code_cell('''import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path("..").resolve()))  # the repository root: tests.audit.audit_bundles builds a sample bundle
from tests.audit.audit_bundles import build, three_az, write

from eksadvisor.audit import audit

docs, reservations = build(three_az())  # 3 AZs, private /20s, 2 m5.large nodes per AZ, secondary IP mode
bundle = write(Path(tempfile.mkdtemp(prefix="eksadvisor-bundle-")) / "bundle", docs, reservations)'''),
        new_code_cell('result = audit(bundle)\nassert result.current_settings.address_mode == "secondary_ip"\nresult'),
        new_code_cell('import pandas as pd\n\npd.DataFrame([f.model_dump() for f in result.forecast])'),
    ],
}


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells, metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        })
        for i, cell in enumerate(nb.cells):  # stable ids: the files do not churn when rebuilt
            cell["id"] = f"{name}-{i}"
        nbformat.write(nb, ROOT / "notebooks" / f"{name}.ipynb")


if __name__ == "__main__":
    main()
