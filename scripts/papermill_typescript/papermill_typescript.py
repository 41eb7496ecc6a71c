"""A papermill parameter translator for TypeScript (tslab) notebooks.

papermill injects parameters as code in the notebook's language. For TypeScript it
assigns to the names that the cell tagged "parameters" declares with `let`:

    // Parameters
    dataset = "mnist";
    fresh = true;

Assignments rather than new declarations, so each value is type-checked against the
declared type (`let dataset: nn.DatasetName`) and keeps it: a redeclared `const` would
take the literal's narrower type. scripts/run_notebooks.py injects the same text.
"""
import json
import math
import re

from papermill.engines import NBClientEngine
from papermill.models import Parameter
from papermill.translators import Translator, papermill_translators

# `let name: type = value; // help` (const too), one a line; comment lines above it are help.
DECLARATION = re.compile(r"^(?:let|const)\s+(\w+)\s*(?::\s*([^=]+?))?\s*=\s*(.+?);\s*(?://\s*(.*))?$")


class TypeScriptTranslator(Translator):
    @classmethod
    def translate_none(cls, val):
        return "null"

    @classmethod
    def translate_str(cls, val):
        return json.dumps(val, ensure_ascii=False)

    @classmethod
    def translate_escaped_str(cls, str_val):
        return json.dumps(str(str_val), ensure_ascii=False)

    @classmethod
    def translate_float(cls, val):
        if math.isnan(val):
            return "NaN"
        if math.isinf(val):
            return "Infinity" if val > 0 else "-Infinity"
        return repr(val)

    @classmethod
    def translate_dict(cls, val):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {cls.translate(v)}" for k, v in val.items()) + "}"

    @classmethod
    def translate_list(cls, val):
        return "[" + ", ".join(cls.translate(v) for v in val) + "]"

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        return f"{name} = {str_val};"

    @classmethod
    def inspect(cls, parameters_cell):
        """The declared parameters, for papermill's --help-notebook and its unknown-name warning."""
        params = []
        help_lines = []
        for line in parameters_cell["source"].splitlines():
            line = line.strip()
            match = DECLARATION.match(line)
            if match:
                name, type_name, default, trailing = match.groups()
                text = " ".join(help_lines + [trailing] if trailing else help_lines)
                params.append(Parameter(name=name, inferred_type_name=type_name or "None", default=default, help=text))
                help_lines = []
            elif line.startswith("//"):
                help_lines.append(line[2:].strip())
            else:
                help_lines = []
        return params


papermill_translators.register("typescript", TypeScriptTranslator)
papermill_translators.register("tslab", TypeScriptTranslator)

# The entry point papermill loads; the same engine as its default one.
TslabEngine = NBClientEngine
