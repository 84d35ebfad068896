"""Writes seed inputs for the fuzz targets from conformance vector files.

    python3 fuzz/seeds.py tests/vectors/*.json   # into fuzz/corpus/<target>/
"""
import hashlib
import json
import pathlib
import sys

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"


def write(target, text):
    data = text.encode()
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


for path in sys.argv[1:]:
    for v in json.loads(pathlib.Path(path).read_text())["vectors"]:
        if v["kind"] == "widget":
            fields = [v["access_key"], v["secret_key"], v["account"], v["widget"]]
            for name, value in v["params"]:
                fields += [name, value]
                write("encode", value)
            write("widget_url", "\0".join(fields))
            if "url" in v["expected"]:
                write("return_url", v["expected"]["url"].split("?", 1)[1])
        elif v["kind"] == "authorization" and "unix_time" in v:
            write("header", "\0".join([v["access_key"], v["secret_key"], v["account"], str(v["unix_time"])]))
        elif v["kind"] == "return_url":
            write("return_url", v["query"])
        elif v["kind"] == "authorization_check":
            write("authorization_check", v["header"])
        if v["kind"] == "authorization" and "header" in v["expected"]:
            write("authorization_check", v["expected"]["header"])
