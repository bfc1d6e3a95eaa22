"""Issue 15, ingest: damaged input loses nothing but itself, and says where it is.

Each test reproduces a probe of the issue on real data from ../shared (Retraction Watch rows,
Crossref update records) damaged the way the probe damaged it, through the `retractkg` command.
"""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from retractkg.cli import main
from retractkg.store import OxigraphStore

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
COVID = SHARED / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv"
pytestmark = pytest.mark.skipif(not COVID.exists(), reason="../shared is not present")
TITLES = "SELECT ?id ?title WHERE { ?n <https://w3id.org/retractkg/ontology#recordId> ?id ; <http://purl.org/spar/cito/updates> ?a . ?a <http://schema.org/name> ?title }"  # noqa: E501


def covid_lines(count: int) -> tuple[str, list[str]]:
    """The header and the first `count` rows of the real export, as the raw lines they are (one per row)."""
    header, *rows = COVID.read_text(encoding="utf-8").splitlines()
    return header, rows[:count]


def record_id(line: str) -> str:
    return line.split(",", 1)[0].strip('"')


def unquoted_notes(rows: list[str], start: int) -> int:
    """The first row from `start` whose last cell (Notes) is written without quotes."""
    return next(i for i in range(start, len(rows)) if not rows[i].endswith('"'))


def with_stray_quote(row: str) -> str:
    """A quote before the last cell: nothing on the line closes it, so the cell runs on into the next lines."""
    cut = row.rindex(",") + 1
    return f'{row[:cut]}"{row[cut:]}'


def run_ingest(tmp_path: Path, *paths: Path, capsys) -> tuple[int, str, str]:
    code = main(["ingest", "--quiet", "--store", str(tmp_path / "store"), *map(str, paths)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def stored_titles(tmp_path: Path) -> dict[str, str]:
    with OxigraphStore(tmp_path / "store", read_only=True) as store:
        return {s["id"].value.split(":")[-1]: s["title"].value for s in store.query(TITLES)}


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


def test_a_stray_quote_loses_its_record_only_and_says_which(tmp_path, capsys):
    header, rows = covid_lines(60)
    bad = unquoted_notes(rows, 4)
    rows[bad] = with_stray_quote(rows[bad])
    path = tmp_path / "rw.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    code, out, err = run_ingest(tmp_path, path, capsys=capsys)
    assert code == 1
    (error,) = errors(err)
    assert f"{path}:line {bad + 2}, Record ID {record_id(rows[bad])}:" in error
    assert "quote" in error
    assert "59 records: 59 added" in out and "1 errors" in out
    titles = stored_titles(tmp_path)
    assert set(titles) == {record_id(row) for i, row in enumerate(rows) if i != bad}
    assert "54680" in titles


def test_a_stray_quote_in_the_last_row_is_an_error_not_a_shifted_record(tmp_path, capsys):
    header, rows = covid_lines(60)
    last = unquoted_notes(rows, 8)
    rows = rows[:last + 1]
    rows[last] = with_stray_quote(rows[last])
    rows.append("some words that start no record")
    path = tmp_path / "rw.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    code, out, err = run_ingest(tmp_path, path, capsys=capsys)
    assert code == 1
    (error,) = errors(err)
    assert f"line {last + 2}, Record ID {record_id(rows[last])}" in error
    assert f"lines {last + 2}-{last + 3} skipped" in error
    assert set(stored_titles(tmp_path)) == {record_id(row) for row in rows[:last]}


def test_a_cell_past_the_field_limit_is_an_error_with_its_line_and_the_rest_is_read(tmp_path, capsys):
    """The probe: past 128 KB the csv module stopped the file with no line number (196 of 200 rows lost)."""
    header, rows = covid_lines(200)
    cells = list(csv.reader([rows[3]]))[0]
    cells[-1] = "See also: " + "x" * 200_000  # Notes, quoted by the writer: a well-formed but giant cell
    rows[3] = ",".join(f'"{c}"' for c in cells)
    path = tmp_path / "rw.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    code, out, err = run_ingest(tmp_path, path, capsys=capsys)
    assert code == 1
    (error,) = errors(err)
    assert f"line 5, Record ID {record_id(rows[3])}" in error and "field limit" in error
    assert "199 records: 199 added" in out
    assert len(stored_titles(tmp_path)) == 199


def test_an_unclosed_quote_that_runs_past_the_field_limit_is_resynchronised(tmp_path, capsys):
    """Lines that start no record (a runaway cell) are skipped up to the next one that does, and counted."""
    header, rows = covid_lines(20)
    bad = unquoted_notes(rows, 2)
    junk = ["notes that go on " * 30 for _ in range(400)]  # 200 KB that no record starts
    lines = [header, *rows[:bad], with_stray_quote(rows[bad]), *junk, *rows[bad + 1:]]
    path = tmp_path / "rw.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_ingest(tmp_path, path, capsys=capsys)
    assert code == 1
    (error,) = errors(err)
    assert f"line {bad + 2}, Record ID {record_id(rows[bad])}" in error
    assert f"lines {bad + 2}-{bad + 2 + len(junk)} skipped" in error
    assert set(stored_titles(tmp_path)) == {record_id(row) for i, row in enumerate(rows) if i != bad}


OPEN_RETRACTIONS = SHARED / "crossref" / "open_retractions_api_records.jsonl.gz"
CROSSREF_WORK = SHARED / "crossref" / "fathomlabs_crossref_work_10.1002_job.1858_update-to_correction.json"
RECORD_KEYS = "SELECT ?key WHERE { GRAPH ?g { ?g <https://w3id.org/retractkg/ontology#recordKey> ?key } }"
NAMES = "SELECT ?name WHERE { ?x <http://schema.org/name> ?name }"


def stored(tmp_path: Path, sparql: str) -> set[str]:
    with OxigraphStore(tmp_path / "store", read_only=True) as store:
        return {s[0].value for s in store.query(sparql)}


def test_one_wrongly_typed_json_lines_record_is_an_error_for_its_line_only(tmp_path, capsys):
    with gzip.open(OPEN_RETRACTIONS, "rt", encoding="utf-8") as f:
        records = [json.loads(next(f)) for _ in range(6)]
    records[3]["record"]["updates"] = "retraction"
    path = tmp_path / "updates.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    code, out, err = run_ingest(tmp_path, path, capsys=capsys)
    assert code == 1
    (error,) = errors(err)
    assert f"{path}:line 4" in error and "field updates: expected a list, found text \"retraction\"" in error
    assert "5 records: 5 added" in out
    keys = {f"{r['record']['identifier']['doi']} {u['identifier']['doi']}" for i, r in enumerate(records) if i != 3
            for u in r["record"]["updates"]}
    assert stored(tmp_path, RECORD_KEYS) == keys


@pytest.mark.parametrize(("field", "value", "named"), [
    ("title", 12345, "field title: expected text or a list of texts, found a number 12345"),
    ("author", [{"given": "Michael D.", "family": ["x"]}], "field author[0].family: expected text, found a list"),
    ("update-to", {"DOI": "10.1002/job.1858"}, "field update-to: expected a list, found an object"),
])
def test_a_crossref_field_of_the_wrong_type_is_an_error_naming_it_never_a_repr(tmp_path, capsys, field, value, named):
    document = json.loads(CROSSREF_WORK.read_text(encoding="utf-8"))
    document[field] = value
    path = tmp_path / "work.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    code, out, err = run_ingest(tmp_path, path, capsys=capsys)
    assert code == 1
    (error,) = errors(err)
    assert f"{path}:message, DOI 10.1002/job.1858: {named}" in error
    assert not {"12345", "['x']", "x"} & stored(tmp_path, NAMES)


PAGES = SHARED / "notices" / "pages"
NOTICE = PAGES / "bmc_correction_s12864-017-3482-3.txt"
JATS = SHARED / "jats" / "PMC1804336.xml"


def test_damaged_files_in_a_folder_are_errors_and_other_files_are_skipped(tmp_path, capsys):
    folder = tmp_path / "notices"
    folder.mkdir()
    text = NOTICE.read_bytes()
    (folder / "good.txt").write_bytes(text)
    (folder / "good.json").write_bytes((PAGES / "bmc_correction_s12864-017-3482-3.json").read_bytes())  # a sidecar
    (folder / "notes.json").write_bytes((PAGES / "bmc_correction_s12864-017-3482-3.json").read_bytes())  # no notice's
    (folder / "cut.txt.gz").write_bytes(gzip.compress(text)[:len(text) // 4])
    (folder / "wide.txt").write_bytes(text.decode("utf-8").encode("utf-16"))
    (folder / "junk.pdf").write_bytes(bytes(range(256)) * 8)
    code, out, err = run_ingest(tmp_path, folder, capsys=capsys)
    assert code == 1
    reported = errors(err)
    assert len(reported) == 3, reported
    assert any(f"{folder / 'cut.txt.gz'}: not a readable gzip file" in e for e in reported)
    assert any(f"{folder / 'wide.txt'}: text in UTF-16" in e for e in reported)
    assert any(f"{folder / 'junk.pdf'}: binary content in a .pdf file" in e for e in reported)
    assert f"skipped (not a notice format): {folder / 'notes.json'}" in err
    assert "good.json" not in err  # read with good.txt, as its sidecar
    assert "1 records: 1 added" in out and "3 errors" in out


def test_many_skipped_files_of_one_kind_in_one_folder_are_one_line_and_every_notice_is_still_read(tmp_path, capsys):
    """A PubMed Central folder holds each notice's .json sidecar: 571 "skipped" lines buried the warnings."""
    folder = tmp_path / "pmc"
    folder.mkdir()
    for n in range(5):
        (folder / f"notice{n}.xml").write_bytes(JATS.read_bytes())
        (folder / f"notice{n}.json").write_text("{}", encoding="utf-8")
    (folder / "more").mkdir()
    (folder / "more" / "a.json").write_text("{}", encoding="utf-8")
    code, out, err = run_ingest(tmp_path, folder, capsys=capsys)
    assert code == 0, err
    skipped = [line for line in err.splitlines() if line.startswith("skipped")]
    assert sorted(skipped) == sorted([f"skipped (not a notice format): 5 .json files in {folder}, such as notice0.json",
                                      f"skipped (not a notice format): {folder / 'more' / 'a.json'}"])
    assert "5 records: 1 added, 0 updated, 4 unchanged" in out


def gzip_of(*parts: tuple[bytes, int]) -> bytes:
    """A gzip file of each part repeated so many times, without ever holding the whole: one gzip member per copy."""
    return b"".join(gzip.compress(data, compresslevel=6) * times for data, times in parts)


# `retractkg ingest` that reports its own peak memory: VmHWM is the high-water mark of the process's memory
# since it started this program (wait4's ru_maxrss would also count the test process it was forked from).
MEASURED_CLI = """import sys
from retractkg.cli import main
code = main(sys.argv[1:])
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print("peak memory:", int(peak.split()[1]) // 1024, file=sys.stderr)
sys.exit(code)
"""


def measured_ingest(tmp_path: Path, *paths: Path) -> tuple[int, str, int]:
    """`retractkg ingest` in a process of its own: exit status, standard error and its peak memory (MB)."""
    done = subprocess.run([sys.executable, "-c", MEASURED_CLI, "ingest", "--quiet", "--store", str(tmp_path / "store"),
                           *map(str, paths)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=600)
    *err, peak = done.stderr.splitlines()
    assert peak.startswith("peak memory: ")
    return done.returncode, "\n".join(err), int(peak.split()[-1])


# Far above what these ingests take when reading stops at the limits (56-188 MB), far below what
# reading the giants whole took (0.56 to 4.5 GB).
PEAK_MB = 350


def test_a_gzip_bomb_is_refused_at_the_limit_while_decompressing(tmp_path):
    bomb = tmp_path / "notice.txt.gz"
    bomb.write_bytes(gzip_of((b"This article has been retracted at the request of the authors. " * 131072, 128)))
    assert bomb.stat().st_size < 10_000_000  # 1 GB inside
    code, err, peak = measured_ingest(tmp_path, bomb)
    assert code == 1
    assert f"{bomb}: larger than 5,000,000 bytes, the limit for a text notice" in err
    assert peak < PEAK_MB


def test_a_giant_csv_line_is_skipped_with_its_line_number_and_the_rows_around_it_are_stored(tmp_path):
    header, rows = covid_lines(2)
    giant = tmp_path / "rw.csv.gz"
    giant.write_bytes(gzip_of((f"{header}\n{rows[0]}\n99999,".encode(), 1), (b"x" * (1 << 23), 32),
                              (f"\n{rows[1]}\n".encode(), 1)))
    code, err, peak = measured_ingest(tmp_path, giant)
    assert code == 1
    assert f"{giant}:line 3, Record ID 99999: the record cannot be read: a line of 268,435,463 bytes" in err
    assert peak < PEAK_MB
    assert set(stored_titles(tmp_path)) == {record_id(rows[0]), record_id(rows[1])}


def test_a_giant_jats_body_is_refused_before_it_is_held_whole(tmp_path):
    text = JATS.read_text(encoding="utf-8")
    head, tail = text.split("<body>", 1)
    giant = tmp_path / "giant.xml.gz"
    giant.write_bytes(gzip_of((f"{head}<body><p>".encode(), 1), (b"retracted " * 1_000_000, 50),
                              (f"</p>{tail}".encode(), 1)))
    code, err, peak = measured_ingest(tmp_path, giant)
    assert code == 1
    assert f"{giant}:article 1: larger than 5,000,000 bytes, the limit for one record" in err
    assert peak < PEAK_MB


def test_a_giant_crossref_title_is_an_error_for_its_record(tmp_path):
    document = json.loads(CROSSREF_WORK.read_text(encoding="utf-8"))
    document["title"] = ["Erratum " * 6_000_000]  # 48 MB: a JSON document may be 100 MB, a value 100,000 characters
    path = tmp_path / "work.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    code, err, peak = measured_ingest(tmp_path, path)
    assert code == 1
    assert f"{path}:message, DOI 10.1002/job.1858: field title[0] is 48,000,000 characters long, above the limit" in err
    assert peak < PEAK_MB
