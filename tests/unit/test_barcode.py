import pytest

from backoffice.kdp import barcode

VALID = "978-2-1234-5680-3"


def test_validate_normalises():
    assert barcode.validate_isbn13(VALID) == "9782123456803"
    assert barcode.validate_isbn13(" ISBN 978 0 306 40615 7 ") == "9780306406157"
    assert barcode.validate_isbn13("ISBN-13: 979-10-90636-07-1") == "9791090636071"


@pytest.mark.parametrize(("value", "message"), [
    ("", "empty"),
    ("978-2-1234-5680-X", "characters other than digits"),
    ("978212345680", "has 12 digits"),
    ("0-306-40615-2", "has 10 digits"),
    ("1234567890128", "must start with 978 or 979"),
    ("978-2-1234-5680-4", "check digit 4, but its first 12 digits give 3"),
])
def test_invalid_isbns_have_clear_messages(value, message):
    with pytest.raises(ValueError, match=message):
        barcode.validate_isbn13(value)


def test_check_digit():
    assert barcode.check_digit("978030640615") == 7
    assert barcode.check_digit("400638133393") == 1  # a common EAN-13 test number


def test_ean13_structure():
    modules = barcode.ean13_modules("4006381333931")
    assert len(modules) == 95
    assert modules[:3] == "101" and modules[45:50] == "01010" and modules[-3:] == "101"
    # First digit 4 -> parity LGLLGG on the left half; digit 0 in L code is 0001101.
    assert modules[3:10] == "0001101"
    assert modules[10:17] == "0100111"  # 0 in G code
    # Every digit's code has 2 bars and 2 spaces: 7 modules.
    for k in range(6):
        code = modules[50 + 7 * k:57 + 7 * k]
        assert code[0] == "1" and code[-1] == "0"  # right-half codes start dark


@pytest.mark.parametrize("digits", ["9782123456803", "9780306406157", "4006381333931",
                                    "9791090636071", "0000000000000"])
def test_encode_decode_round_trip_at_several_module_widths(digits):
    modules = barcode.ean13_modules(digits)
    for scale in (2, 3, 5):
        line = [False] * 20 + [m == "1" for m in modules for _ in range(scale)] + [False] * 20
        assert barcode.decode_ean13(line) == digits


def test_decode_rejects_noise_and_bad_check_digit():
    assert barcode.decode_ean13([False] * 300) is None
    assert barcode.decode_ean13([i % 3 == 0 for i in range(300)]) is None
    modules = list(barcode.ean13_modules("9782123456803"))
    modules[50:57] = list(barcode._R[5])  # 4 -> 5: check digit no longer matches
    assert barcode.decode_ean13([m == "1" for m in modules for _ in range(3)]) is None
