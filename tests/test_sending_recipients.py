"""Reading recipients CSVs as Excel and other teams write them, the suppression list, and sector filtering."""

from __future__ import annotations

from protectpress.core.foundation.email_addresses import valid_address
from protectpress.core.foundation.problems import Problems, Severity
from protectpress.core.sending.audience import choose_audience
from protectpress.core.sending.recipients import Recipient, RecipientList, read_recipients
from protectpress.core.sending.suppression import SuppressionList

SECTORS = {
    "all": "All sectors",
    "retail": "Retail",
    "hospitality": "Hospitality",
    "night-time-economy": "Night-time economy",
}


def read(tmp_path, text: str | bytes, name: str = "recipients.csv") -> tuple[RecipientList, Problems]:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    problems = Problems()
    return read_recipients(path, name, problems, sectors=SECTORS), problems


def test_excel_csv_with_bom_blank_lines_bad_addresses_and_duplicates(tmp_path):
    text = ("\ufeffEmail,Name,Organisation,Sectors\r\n"
            "jo@example.com,Jo Bloggs,Shop Ltd,Retail\r\n"
            "\r\n"
            ",,,\r\n"
            "not-an-address,Nobody,,\r\n"
            "JO@Example.com,Jo again,,\r\n"
            "ann@example.org,\"Ann, Lady Smith\",\"Pubs, Clubs & Co\",Hospitality; Night-time economy\r\n"
            "two@@example.org,,,\r\n"
            "space @example.org,,,\r\n")
    listing, problems = read(tmp_path, text)
    assert [r.address for r in listing.recipients] == ["jo@example.com", "ann@example.org"]
    assert listing.invalid == 3 and listing.duplicates == 1 and listing.rows == 6  # blank lines are not rows
    assert "recipients.csv:6: expected each address once (sent once; first on line 2), found 'JO@Example.com'" in [
        str(p) for p in problems
    ]
    ann = listing.recipients[1]
    assert (ann.name, ann.organisation, ann.sectors, ann.line) == ("Ann, Lady Smith", "Pubs, Clubs & Co",
                                                                  ("hospitality", "night-time-economy"), 7)
    assert [str(p) for p in problems.warnings] == [
        "recipients.csv:5: expected an email address like name@example.org (this line is skipped), found "
        "'not-an-address'",
        "recipients.csv:8: expected an email address like name@example.org (this line is skipped), found "
        "'two@@example.org'",
        "recipients.csv:9: expected an email address like name@example.org (this line is skipped), found "
        "'space @example.org'",
    ]
    [duplicate] = problems.of(Severity.INFO)
    assert str(duplicate) == ("recipients.csv:6: expected each address once (sent once; first on line 2), "
                              "found 'JO@Example.com'")
    assert not problems.errors


def test_the_same_file_without_a_bom_reads_the_same(tmp_path):
    with_bom, _ = read(tmp_path, "\ufeffemail,name\njo@example.com,Jo\n", "a.csv")
    without, _ = read(tmp_path, "email,name\njo@example.com,Jo\n", "b.csv")
    assert with_bom.recipients[0].address == without.recipients[0].address == "jo@example.com"
    assert with_bom.recipients[0].name == "Jo"


def test_files_that_cannot_be_used_are_errors_that_say_why(tmp_path):
    _, problems = read(tmp_path, "name,organisation\nJo,Shop\n")
    assert [str(p) for p in problems.errors] == [
        "recipients.csv:1: expected a header row with an 'email' column (or 'Email Address', 'E-mail'), "
        "found 'name', 'organisation'"]
    _, problems = read(tmp_path, "email;name\njo@example.com;Jo\n")
    assert "separated by commas" in str(problems.errors[0])
    _, problems = read(tmp_path, "email,name\njo@example.com,J\xf6\n".encode("latin-1"))
    assert str(problems.errors[0]) == ("recipients.csv:2: expected UTF-8 text (in Excel: Save As, CSV UTF-8), "
                                      "found a character in another encoding")
    _, problems = read(tmp_path, "")
    assert "an empty file" in str(problems.errors[0])
    problems = Problems()
    read_recipients(tmp_path / "missing.csv", "missing.csv", problems)
    assert str(problems.errors[0]) == "missing.csv: expected a CSV file, found no such file"


def test_an_unknown_sector_is_a_warning_naming_the_line(tmp_path):
    listing, problems = read(tmp_path, "email,sectors\njo@example.com,Retial\n")
    assert listing.recipients[0].sectors == ("retial",)
    assert str(problems.warnings[0]).startswith("recipients.csv:2: expected sectors from mkdocs.yml (all, retail,")
    assert "until it is fixed this person gets only newsletters for all sectors" in str(problems.warnings[0])


def test_sector_filtering():
    retail, pubs = Recipient("a@example.com", sectors=("retail",)), Recipient("b@example.com", sectors=("hospitality",))
    anyone, everyone = Recipient("c@example.com"), Recipient("d@example.com", sectors=("all",))
    for person in (retail, pubs, anyone, everyone):
        assert person.wants(()) and person.wants(("all",))
    assert retail.wants(("retail", "sport")) and not pubs.wants(("retail", "sport"))
    assert anyone.wants(("retail",)) and everyone.wants(("retail",))


def test_suppression_list_is_case_insensitive_durable_and_filters_the_audience(tmp_path):
    path = tmp_path / "newsletters" / "suppressed.csv"
    suppression = SuppressionList(path, "newsletters/suppressed.csv")
    assert suppression.add("Gone@Example.com", "unsubscribed")
    assert not suppression.add("gone@example.com", "unsubscribed")
    reread = SuppressionList(path, "newsletters/suppressed.csv")
    assert "GONE@example.COM" in reread and len(reread) == 1
    assert path.read_text().splitlines()[0] == "email,reason,added"
    listing = RecipientList("r.csv", [Recipient("gone@example.com"), Recipient("shop@example.com", sectors=("retail",)),
                                      Recipient("pub@example.com", sectors=("hospitality",))])
    audience = choose_audience(listing, reread, ("hospitality",))
    assert [r.address for r in audience.deliverable] == ["pub@example.com"]
    assert (audience.suppressed, audience.other_sectors) == (1, 1)


def test_address_check_accepts_real_shapes_and_rejects_typos():
    for good in ("jo@example.com", "first.last+news@sub.example.co.uk", "o'neill@example.ie", " jo@example.com "):
        assert valid_address(good) == good.strip()
    for bad in ("jo@example", "jo@@example.com", "jo@example..com", "jo.@example.com", "jo example@x.com",
                "Jo <jo@example.com>", "jö@example.com", "", "a@" + "b" * 250 + ".com"):
        assert valid_address(bad) is None, bad


def test_a_mailing_tool_export_is_read_by_its_own_column_names(tmp_path):
    text = ("\ufeffEmail Address,First Name,Last Name,Company,SECTOR\r\n"
            "ann@example.org,Ann,Smith,Pubs & Co,Hospitality\r\n"
            "bo@example.org,,Jones,,\r\n")
    listing, problems = read(tmp_path, text)
    assert not problems
    ann, bo = listing.recipients
    assert (ann.name, ann.first_name, ann.organisation, ann.sectors) == ("Ann Smith", "Ann", "Pubs & Co",
            ("hospitality",))
    assert (bo.name, bo.first_name) == ("Jones", "")
    assert listing.rows == 2


def test_column_names_are_compared_without_case_spaces_underscores_or_hyphens(tmp_path):
    listing, problems = read(tmp_path, "E-mail,first_name,Organization\njo@example.com,Jo,Shop\n")
    assert not problems
    assert (listing.recipients[0].first_name, listing.recipients[0].organisation) == ("Jo", "Shop")


def test_two_address_columns_are_refused_naming_both(tmp_path):
    listing, problems = read(tmp_path, "Email,Email Address,Name\njo@example.com,jo@example.org,Jo\n")
    assert [str(p) for p in problems.errors] == [
        "recipients.csv:1: expected one 'email' column, so that it is clear which to use (rename or delete the "
        "others), found 2: 'Email', 'Email Address'"]
    assert listing.recipients == []


def test_a_first_name_unfit_for_a_greeting_skips_the_row_naming_the_column(tmp_path):
    listing, problems = read(tmp_path, 'email,first name\njo@example.com,"=?utf-8?q?x?="\nann@example.org,Ann\n')
    assert [r.address for r in listing.recipients] == ["ann@example.org"]
    [warning] = problems.warnings
    assert warning.key == "first_name" and warning.line == 2
    assert listing.rows == 2 and listing.invalid == 1


def test_international_addresses_are_read_only_where_asked(tmp_path):
    assert valid_address("jörg@example.org") is None
    assert valid_address("jörg@example.org", international=True) == "jörg@example.org"
    assert valid_address("用户@例子.广告", international=True) == "用户@例子.广告"
    assert valid_address("jörg @example.org", international=True) is None
    assert valid_address("jörg\u202e@example.org", international=True) is None
    listing, problems = read(tmp_path, "email\njörg@example.org\n")
    assert [r.address for r in listing.recipients] == ["jörg@example.org"] and not problems
