"""Reference updates from torch.optim for lib/test/optimizers.test.ts (not engine code).

Reads a JSON list on stdin, each case {"optimizer": "SGD"|"RMSprop"|"Adam"|"AdamW", "options": {...torch kwargs
except weight_decay}, "weight_decay": λ, "params": [{"value": [...], "decay": bool}],
"grads": [[[...] per param] per step]}. Runs the optimiser in float64 with λ only on the
params whose decay is true (two param groups) and prints, per case, {"params": [[...] per param]}.
"""
import json
import sys

try:
    import torch
except ImportError:  # the test reads exit status 3 as "torch is not installed" (skip, or fail under CI)
    sys.exit(3)


def run(spec):
    params = [torch.tensor(p["value"], dtype=torch.float64, requires_grad=True) for p in spec["params"]]
    decayed = [t for t, p in zip(params, spec["params"]) if p["decay"]]
    plain = [t for t, p in zip(params, spec["params"]) if not p["decay"]]
    groups = [g for g in ({"params": decayed, "weight_decay": spec["weight_decay"]}, {"params": plain, "weight_decay": 0.0}) if g["params"]]
    optimizer = getattr(torch.optim, spec["optimizer"])(groups, **spec["options"])
    for grads in spec["grads"]:
        for t, g in zip(params, grads):
            t.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
    return {"params": [t.detach().tolist() for t in params]}


json.dump([run(spec) for spec in json.load(sys.stdin)], sys.stdout)
