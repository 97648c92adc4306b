"""Check that the lock files agree with the top-level requirements they were compiled from.

`requirements.txt` and `requirements-dev.txt` hold the exact pins people edit; `requirements.lock` and
`requirements-dev.lock` (written by `make lock`) add every transitive dependency with its hashes, and are what
`.venv` is installed from. A pin added, changed or removed without `make lock` would be silently ignored by the
install, so this fails instead, naming the package. Stdlib only: it runs before `.venv` exists.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = (("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock"))
RUNTIME_LOCK = "requirements.lock"
FIX = "run `make lock` and commit the lock files"

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([^\s;\\]+)")
VIA = re.compile(r"^\s+#\s+(?:via\s+)?(-r \S+)\s*$")


def normalize(name):
    """PEP 503 name: the same package however it is spelled."""
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level_pins(path, errors, seen=None):
    """{name: version} of a requirements file and the files it includes with -r; non-exact pins are errors."""
    seen = seen if seen is not None else set()
    path = Path(path)
    if path in seen:
        return {}
    seen.add(path)
    pins = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement ")):
            pins.update(top_level_pins(path.parent / line.split(None, 1)[1], errors, seen))
            continue
        if line.startswith("-"):
            errors.append(f"{path.name}: option lines do not belong here (put index settings in pip's config): {line}")
            continue
        match = PIN.match(line)
        if not match:
            errors.append(f"{path.name}: not an exact pin (name==version): {line}")
            continue
        pins[normalize(match.group(1))] = match.group(3)
    return pins


def locked(path):
    """{name: (version, hash count, {'-r file', ...})} of a lock file written by `make lock`."""
    entries = {}
    current = None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            current = normalize(match.group(1))
            entries[current] = [match.group(3), 0, set()]
        elif current and line.strip().startswith("--hash="):
            entries[current][1] += 1
        elif current and (via := VIA.match(line)):
            entries[current][2].add(via.group(1))
    return {name: tuple(entry) for name, entry in entries.items()}


def check(root=ROOT):
    """Every problem found, as readable lines; empty when the locks are in sync."""
    root = Path(root)
    errors = []
    locks = {}
    for source, lock in PAIRS:
        if not (root / lock).exists():
            errors.append(f"{lock} is missing: {FIX}")
            continue
        pins = top_level_pins(root / source, errors)
        entries = locks[lock] = locked(root / lock)
        for name, version in sorted(pins.items()):
            if name not in entries:
                errors.append(f"{name}=={version} is pinned in the requirements but missing from {lock}: {FIX}")
            elif entries[name][0] != version:
                errors.append(f"{name} is pinned =={version} but {lock} has =={entries[name][0]}: {FIX}")
        for name, (version, hashes, via) in sorted(entries.items()):
            if hashes == 0:
                errors.append(f"{name}=={version} has no --hash in {lock}: {FIX}")
            if via and name not in pins:
                errors.append(f"{name}=={version} is in {lock} as a requirement nobody pins any more: {FIX}")
    if len(locks) == len(PAIRS):
        dev_lock = PAIRS[1][1]
        for name, (version, _, _) in sorted(locks[RUNTIME_LOCK].items()):
            if locks[dev_lock].get(name, (version,))[0] != version:
                errors.append(f"{name}: {RUNTIME_LOCK} has =={version}, {dev_lock} =={locks[dev_lock][name][0]}: {FIX}")
    return errors


def main():
    errors = check(ROOT)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
