#!/usr/bin/env python3
"""Turns bench/ptxas-report.sh's ptxas -v logs and cuobjdump -sass listings into OUTDIR/report.tsv and report.md.

    python3 bench/ptxas_report.py OUTDIR "ptxas 11.8 (V11.8.89), -arch=sm_90, DATE, commit X"

Innermost loops are found in the SASS, where ptxas has already unrolled and scheduled them: a branch back to an
earlier address closes a loop spanning [target, branch]; a loop is innermost when no other loop lies inside it.
Instructions per FFMA over those loops says how much of a hot loop is the arithmetic itself (1.0 would be pure FMA).
"""
import os
import re
import sys

COLUMNS = ["kernel", "registers", "spill_stores", "spill_loads", "shared_bytes", "stack_bytes",
           "loop_instructions", "loop_ffma", "instructions_per_ffma"]
NO_LOOP_FFMA = "no loop FFMA"

# "        /*0180*/              @!P0 BRA 0xe0 ;   /* 0x... */": address, optional predicate, opcode, operands.
INSTRUCTION = re.compile(r"^\s*/\*([0-9a-f]{4,})\*/\s+(@!?U?P\w+\s+)?([A-Z][A-Z0-9_.]*)\s*([^;]*);")
FUNCTION = re.compile(r"^\s*Function\s*:\s*(\S+)")
BRANCH_TARGET = re.compile(r"0x([0-9a-f]+)|\.L_x_(\d+)")
LABEL = re.compile(r"^\s*\.L_x_(\d+):")


def ptxas_figures(log):
    """Registers, spills, stack and static shared memory of the entry function, from ptxas -v."""
    figures = {"registers": None, "spill_stores": 0, "spill_loads": 0, "shared_bytes": 0, "stack_bytes": 0}
    entry = None
    properties_of = None
    for line in log.splitlines():
        if m := re.search(r"Compiling entry function '([^']+)'", line):
            entry = m.group(1)
        elif m := re.search(r"Function properties for (\S+)", line):
            properties_of = m.group(1)
        elif m := re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads", line):
            # Helper functions (.func) get their own properties; only the entry's are its figures.
            if properties_of == entry:
                figures["stack_bytes"], figures["spill_stores"], figures["spill_loads"] = map(int, m.groups())
        elif m := re.search(r"Used (\d+) registers", line):
            figures["registers"] = int(m.group(1))
            if s := re.search(r"(\d+) bytes smem", line):
                figures["shared_bytes"] = int(s.group(1))
    return figures


def functions(sass):
    """Each function's instructions as (address, opcode, operands), with labels resolved to addresses."""
    current = None
    result = {}
    pending_labels = []
    labels = {}
    for line in sass.splitlines():
        if m := FUNCTION.match(line):
            current = result.setdefault(m.group(1), [])
            labels = {}
            continue
        if current is None:
            continue
        if m := LABEL.match(line):
            pending_labels.append(m.group(1))
        elif m := INSTRUCTION.match(line):
            address = int(m.group(1), 16)
            for label in pending_labels:
                labels[label] = address
            pending_labels = []
            current.append((address, m.group(3), m.group(4), labels))
    return result


def innermost_loops(instructions):
    """[(start, end)] of the loops that contain no other loop, from the backward branches."""
    closes = {}
    for address, opcode, operands, labels in instructions:
        if opcode.split(".")[0] not in ("BRA", "JMP"):
            continue
        m = BRANCH_TARGET.search(operands)
        if not m:
            continue
        target = int(m.group(1), 16) if m.group(1) else labels.get(m.group(2))
        # A branch to itself is the trap ptxas puts after the last EXIT, not a loop.
        if target is not None and target < address:
            closes[target] = max(closes.get(target, 0), address)
    loops = sorted(closes.items())
    return [(s, e) for s, e in loops
            if not any((s2, e2) != (s, e) and s <= s2 and e2 <= e for s2, e2 in loops)]


def loop_figures(sass):
    """Instructions and FFMAs over the innermost loops that do arithmetic (any FFMA), and every innermost loop for the details."""
    details = []
    instructions_total = ffma_total = 0
    for name, instructions in functions(sass).items():
        for start, end in innermost_loops(instructions):
            body = [i for i in instructions if start <= i[0] <= end]
            ffma = sum(1 for i in body if i[1].split(".")[0] == "FFMA")
            details.append((name, start, end, len(body), ffma))
            if ffma:
                instructions_total += len(body)
                ffma_total += ffma
    return instructions_total, ffma_total, details


def main(out, stamp):
    rows = []
    details = {}
    for file in sorted(os.listdir(os.path.join(out, "log"))):
        kernel = file[: -len(".log")]
        with open(os.path.join(out, "log", file)) as f:
            figures = ptxas_figures(f.read())
        if figures["registers"] is None:
            continue  # ptxas failed on it; the script has said so
        sass_path = os.path.join(out, "sass", kernel + ".sass")
        with open(sass_path) as f:
            instructions, ffma, details[kernel] = loop_figures(f.read())
        ratio = f"{instructions / ffma:.2f}" if ffma else NO_LOOP_FFMA
        rows.append({"kernel": kernel, **figures, "loop_instructions": instructions, "loop_ffma": ffma,
                     "instructions_per_ffma": ratio})
    if not rows:
        sys.exit("ptxas_report: no kernel was assembled; see " + os.path.join(out, "log"))

    with open(os.path.join(out, "report.tsv"), "w") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for row in rows:
            f.write("\t".join(str(row[c]) for c in COLUMNS) + "\n")

    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(f"# ptxas report\n\n{stamp}. Spills, shared memory (static only: ILGPU's dynamic shared memory is sized "
                "at launch and not counted) and stack in bytes. Loop figures: the innermost SASS loops that contain an "
                "FFMA, together.\n\n")
        f.write("| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS) + "\n")
        for row in rows:
            f.write("| " + " | ".join(str(row[c]) for c in COLUMNS) + " |\n")
        f.write("\n## Innermost loops\n\nEvery innermost loop per kernel: SASS address range, instructions, FFMAs.\n\n")
        for kernel, loops in details.items():
            listed = ", ".join(f"{start:#06x}–{end:#06x}: {n} instr, {ffma} FFMA" for _, start, end, n, ffma in loops)
            f.write(f"- {kernel}: {listed or 'no loop'}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
