import os
import tempfile

os.environ.pop("EKSADVISOR_CATALOG", None)
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="eksadvisor-bench-xdg-")
