"""Writes the reference data files next to this script (provinces.csv, offices.csv,
facilities.csv). The output is committed; rerun after editing the lists below:

    .venv/bin/python registry/data/generate.py

Provinces and codes: QĐ 19/2025/QĐ-TTg (34 provinces since 1/7/2025). Office codes follow
the pattern seen in the wild ("0" + province code; local office = that + 2 digits); the
2-digit suffixes and "000" for BHXH Việt Nam are ours (no public list exists). Local offices
are named after real former districts/towns of each province; facility codes follow the mã
KCB shape (2-digit province + 3 alphanumerics) but are not BHXH's real numbering.
"""
import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
CITIES = {"01", "31", "46", "48", "79", "92"}

# code, name, former districts/towns (real names) used for local offices and district
# health centres.
PROVINCES: list[tuple[str, str, list[str]]] = [
    ("01", "Hà Nội", []),
    ("04", "Cao Bằng", ["Hòa An", "Trùng Khánh", "Quảng Hòa", "Bảo Lạc", "Hà Quảng"]),
    ("08", "Tuyên Quang", ["Sơn Dương", "Hàm Yên", "Chiêm Hóa", "Yên Sơn", "Hà Giang",
                           "Bắc Quang", "Vị Xuyên", "Đồng Văn"]),
    ("11", "Điện Biên", ["Điện Biên Phủ", "Mường Chà", "Tuần Giáo", "Mường Nhé",
                         "Điện Biên Đông"]),
    ("12", "Lai Châu", ["Tam Đường", "Phong Thổ", "Sìn Hồ", "Than Uyên", "Mường Tè"]),
    ("14", "Sơn La", ["Mộc Châu", "Mai Sơn", "Thuận Châu", "Yên Châu", "Sông Mã"]),
    ("15", "Lào Cai", ["Bảo Thắng", "Bát Xát", "Sa Pa", "Bắc Hà", "Yên Bái", "Văn Yên",
                       "Lục Yên", "Nghĩa Lộ"]),
    ("19", "Thái Nguyên", ["Phổ Yên", "Sông Công", "Đại Từ", "Phú Bình", "Bắc Kạn", "Ba Bể",
                           "Chợ Mới"]),
    ("20", "Lạng Sơn", ["Cao Lộc", "Hữu Lũng", "Chi Lăng", "Lộc Bình", "Tràng Định"]),
    ("22", "Quảng Ninh", ["Hạ Long", "Cẩm Phả", "Uông Bí", "Móng Cái", "Đông Triều",
                          "Vân Đồn"]),
    ("24", "Bắc Ninh", ["Từ Sơn", "Quế Võ", "Thuận Thành", "Gia Bình", "Bắc Giang",
                        "Lục Nam", "Yên Dũng", "Hiệp Hòa"]),
    ("25", "Phú Thọ", ["Việt Trì", "Lâm Thao", "Thanh Sơn", "Vĩnh Yên", "Phúc Yên",
                       "Tam Dương", "Hòa Bình", "Mai Châu"]),
    ("31", "Hải Phòng", ["Hồng Bàng", "Ngô Quyền", "Lê Chân", "Kiến An", "Thủy Nguyên",
                         "An Dương", "Hải Dương", "Chí Linh", "Kinh Môn"]),
    ("33", "Hưng Yên", ["Văn Lâm", "Mỹ Hào", "Khoái Châu", "Văn Giang", "Thái Bình",
                        "Quỳnh Phụ", "Tiền Hải"]),
    ("37", "Ninh Bình", ["Hoa Lư", "Tam Điệp", "Kim Sơn", "Nho Quan", "Phủ Lý", "Duy Tiên",
                         "Nam Định", "Hải Hậu", "Giao Thủy"]),
    ("38", "Thanh Hóa", ["Sầm Sơn", "Bỉm Sơn", "Nghi Sơn", "Hoằng Hóa", "Thọ Xuân",
                         "Ngọc Lặc", "Quảng Xương"]),
    ("40", "Nghệ An", ["Vinh", "Cửa Lò", "Diễn Châu", "Quỳnh Lưu", "Yên Thành", "Đô Lương",
                       "Nghĩa Đàn"]),
    ("42", "Hà Tĩnh", ["Hồng Lĩnh", "Kỳ Anh", "Hương Khê", "Cẩm Xuyên", "Can Lộc",
                       "Đức Thọ"]),
    ("44", "Quảng Trị", ["Đông Hà", "Vĩnh Linh", "Hải Lăng", "Đồng Hới", "Bố Trạch",
                         "Quảng Ninh", "Lệ Thủy"]),
    ("46", "Huế", ["Phong Điền", "Hương Trà", "Hương Thủy", "Phú Vang", "Phú Lộc", "A Lưới"]),
    ("48", "Đà Nẵng", []),
    ("51", "Quảng Ngãi", ["Bình Sơn", "Sơn Tịnh", "Tư Nghĩa", "Mộ Đức", "Đức Phổ", "Kon Tum",
                          "Đắk Hà", "Ngọc Hồi"]),
    ("52", "Gia Lai", ["Pleiku", "An Khê", "Ayun Pa", "Chư Sê", "Quy Nhơn", "An Nhơn",
                       "Hoài Nhơn", "Phù Cát"]),
    ("56", "Khánh Hòa", ["Nha Trang", "Cam Ranh", "Ninh Hòa", "Diên Khánh", "Vạn Ninh",
                         "Phan Rang - Tháp Chàm", "Ninh Hải"]),
    ("66", "Đắk Lắk", ["Buôn Ma Thuột", "Buôn Hồ", "Ea Kar", "Krông Pắc", "Cư M'gar",
                       "Tuy Hòa", "Sông Cầu", "Đông Hòa"]),
    ("68", "Lâm Đồng", ["Đà Lạt", "Bảo Lộc", "Đức Trọng", "Di Linh", "Gia Nghĩa", "Đắk Mil",
                        "Phan Thiết", "La Gi", "Tuy Phong"]),
    ("75", "Đồng Nai", ["Biên Hòa", "Long Khánh", "Long Thành", "Nhơn Trạch", "Trảng Bom",
                        "Đồng Xoài", "Bình Long", "Phước Long"]),
    ("79", "TP Hồ Chí Minh", []),
    ("80", "Tây Ninh", ["Hòa Thành", "Trảng Bàng", "Gò Dầu", "Tân Biên", "Tân An", "Bến Lức",
                        "Đức Hòa", "Cần Giuộc"]),
    ("82", "Đồng Tháp", ["Cao Lãnh", "Sa Đéc", "Hồng Ngự", "Lấp Vò", "Mỹ Tho", "Gò Công",
                         "Cai Lậy", "Cái Bè"]),
    ("86", "Vĩnh Long", ["Long Hồ", "Bình Minh", "Trà Ôn", "Bến Tre", "Mỏ Cày Nam", "Ba Tri",
                         "Trà Vinh", "Cầu Ngang"]),
    ("91", "An Giang", ["Long Xuyên", "Châu Đốc", "Tân Châu", "Chợ Mới", "Rạch Giá",
                        "Hà Tiên", "Phú Quốc"]),
    ("92", "Cần Thơ", ["Ninh Kiều", "Cái Răng", "Bình Thủy", "Ô Môn", "Thốt Nốt", "Vị Thanh",
                       "Ngã Bảy", "Sóc Trăng", "Vĩnh Châu"]),
    ("96", "Cà Mau", ["Năm Căn", "Cái Nước", "Trần Văn Thời", "U Minh", "Bạc Liêu",
                      "Giá Rai", "Hồng Dân"]),
]

# The three big cities: (former district, kind) in the order used for the office suffixes.
HANOI = [
    ("Ba Đình", "quận"), ("Hoàn Kiếm", "quận"), ("Tây Hồ", "quận"), ("Long Biên", "quận"),
    ("Cầu Giấy", "quận"), ("Đống Đa", "quận"), ("Hai Bà Trưng", "quận"),
    ("Hoàng Mai", "quận"), ("Thanh Xuân", "quận"), ("Sóc Sơn", "huyện"),
    ("Đông Anh", "huyện"), ("Gia Lâm", "huyện"), ("Nam Từ Liêm", "quận"),
    ("Thanh Trì", "huyện"), ("Bắc Từ Liêm", "quận"), ("Mê Linh", "huyện"),
    ("Hà Đông", "quận"), ("Sơn Tây", "thị xã"), ("Ba Vì", "huyện"), ("Phúc Thọ", "huyện"),
    ("Đan Phượng", "huyện"), ("Hoài Đức", "huyện"), ("Quốc Oai", "huyện"),
    ("Thạch Thất", "huyện"), ("Chương Mỹ", "huyện"), ("Thanh Oai", "huyện"),
    ("Thường Tín", "huyện"), ("Phú Xuyên", "huyện"), ("Ứng Hòa", "huyện"),
    ("Mỹ Đức", "huyện"),
]
HCMC = [
    ("Quận 1", ""), ("Quận 3", ""), ("Quận 4", ""), ("Quận 5", ""), ("Quận 6", ""),
    ("Quận 7", ""), ("Quận 8", ""), ("Quận 10", ""), ("Quận 11", ""), ("Quận 12", ""),
    ("Gò Vấp", "quận"), ("Bình Thạnh", "quận"), ("Tân Bình", "quận"), ("Tân Phú", "quận"),
    ("Phú Nhuận", "quận"), ("Bình Tân", "quận"), ("Thủ Đức", "thành phố"),
    ("Củ Chi", "huyện"), ("Hóc Môn", "huyện"), ("Bình Chánh", "huyện"), ("Nhà Bè", "huyện"),
    ("Cần Giờ", "huyện"), ("Thủ Dầu Một", "thành phố"), ("Dĩ An", "thành phố"),
    ("Thuận An", "thành phố"), ("Tân Uyên", "thành phố"), ("Bến Cát", "thành phố"),
    ("Dầu Tiếng", "huyện"), ("Vũng Tàu", "thành phố"), ("Bà Rịa", "thành phố"),
    ("Phú Mỹ", "thị xã"), ("Châu Đức", "huyện"), ("Xuyên Mộc", "huyện"),
    ("Côn Đảo", "huyện"),
]
DANANG = [
    ("Hải Châu", "quận"), ("Thanh Khê", "quận"), ("Sơn Trà", "quận"),
    ("Ngũ Hành Sơn", "quận"), ("Liên Chiểu", "quận"), ("Cẩm Lệ", "quận"),
    ("Hòa Vang", "huyện"), ("Tam Kỳ", "thành phố"), ("Hội An", "thành phố"),
    ("Điện Bàn", "thị xã"), ("Duy Xuyên", "huyện"), ("Đại Lộc", "huyện"),
    ("Thăng Bình", "huyện"), ("Núi Thành", "huyện"), ("Quế Sơn", "huyện"),
    ("Tiên Phước", "huyện"), ("Bắc Trà My", "huyện"), ("Đông Giang", "huyện"),
]
CITY_DISTRICTS = {"01": HANOI, "79": HCMC, "48": DANANG}

# Wards/communes created on 1/7/2025 (real names) for commune health stations.
WARDS = {
    "01": ["Ba Đình", "Ngọc Hà", "Giảng Võ", "Hoàn Kiếm", "Cửa Nam", "Tây Hồ", "Phú Thượng",
           "Hồng Hà", "Văn Miếu - Quốc Tử Giám", "Ô Chợ Dừa", "Đống Đa", "Láng", "Kim Liên",
           "Cầu Giấy", "Nghĩa Đô", "Yên Hòa", "Thanh Xuân", "Khương Đình", "Phương Liệt",
           "Hai Bà Trưng", "Bạch Mai", "Vĩnh Tuy", "Hoàng Mai", "Định Công", "Tương Mai",
           "Long Biên", "Bồ Đề", "Việt Hưng", "Hà Đông", "Dương Nội", "Kiến Hưng",
           "Tây Mỗ", "Xuân Phương", "Từ Liêm", "Đông Ngạc", "Thượng Cát"],
    "79": ["Sài Gòn", "Tân Định", "Bến Thành", "Cầu Ông Lãnh", "Bàn Cờ", "Xuân Hòa",
           "Nhiêu Lộc", "Chợ Quán", "Chợ Lớn", "Bình Tây", "Gia Định", "Bình Thạnh",
           "Thạnh Mỹ Tây", "Tân Sơn Nhất", "Tân Bình", "Phú Nhuận", "Đức Nhuận", "Hạnh Thông",
           "Gò Vấp", "An Nhơn", "Tân Phú", "Phú Thạnh", "Bình Tân", "An Lạc", "Tân Hưng",
           "Tân Thuận", "Thủ Đức", "Linh Xuân", "Hiệp Bình", "Củ Chi", "Hóc Môn",
           "Bình Chánh", "Nhà Bè", "Cần Giờ", "Thủ Dầu Một", "Dĩ An", "Vũng Tàu", "Bà Rịa"],
    "48": ["Hải Châu", "Hòa Cường", "Thanh Khê", "An Khê", "Sơn Trà", "An Hải",
           "Ngũ Hành Sơn", "Hòa Khánh", "Liên Chiểu", "Cẩm Lệ", "Hòa Xuân", "Hội An",
           "Tam Kỳ", "Điện Bàn"],
}

BIG_CITY_HOSPITALS = {
    "01": [
        ("Bệnh viện Bạch Mai", "central", False, "78 Giải Phóng, phường Kim Liên"),
        ("Bệnh viện Hữu nghị Việt Đức", "central", False, "40 Tràng Thi, phường Hoàn Kiếm"),
        ("Bệnh viện E", "central", True, "89 Trần Cung, phường Nghĩa Đô"),
        ("Bệnh viện Đa khoa Xanh Pôn", "province", True, "12 Chu Văn An, phường Ba Đình"),
        ("Bệnh viện Thanh Nhàn", "province", True, "42 Thanh Nhàn, phường Bạch Mai"),
        ("Bệnh viện Đống Đa", "province", True, "192 Nguyễn Lương Bằng, phường Đống Đa"),
        ("Bệnh viện Đa khoa Hà Đông", "province", True, "2 Bế Văn Đàn, phường Hà Đông"),
        ("Bệnh viện Đa khoa Đức Giang", "province", True, "54 Trường Lâm, phường Việt Hưng"),
        ("Bệnh viện Bắc Thăng Long", "province", True, "xã Đông Anh"),
        ("Bệnh viện Đa khoa Sơn Tây", "province", True, "phường Sơn Tây"),
    ],
    "79": [
        ("Bệnh viện Chợ Rẫy", "central", False, "201B Nguyễn Chí Thanh, phường Chợ Lớn"),
        ("Bệnh viện Thống Nhất", "central", True, "1 Lý Thường Kiệt, phường Tân Sơn Nhất"),
        ("Bệnh viện Nhân dân 115", "province", True, "527 Sư Vạn Hạnh, phường Hòa Hưng"),
        ("Bệnh viện Nhân dân Gia Định", "province", True, "1 Nơ Trang Long, phường Gia Định"),
        ("Bệnh viện Nguyễn Tri Phương", "province", True, "468 Nguyễn Trãi, phường Chợ Quán"),
        ("Bệnh viện Trưng Vương", "province", True, "266 Lý Thường Kiệt, phường Diên Hồng"),
        ("Bệnh viện An Bình", "province", True, "146 An Bình, phường Chợ Quán"),
        ("Bệnh viện Đa khoa tỉnh Bình Dương", "province", True, "phường Thủ Dầu Một"),
        ("Bệnh viện Bà Rịa", "province", True, "phường Bà Rịa"),
        ("Bệnh viện Lê Lợi", "province", True, "phường Vũng Tàu"),
    ],
    "48": [
        ("Bệnh viện C Đà Nẵng", "central", True, "122 Hải Phòng, phường Hải Châu"),
        ("Bệnh viện Đà Nẵng", "province", True, "124 Hải Phòng, phường Hải Châu"),
        ("Bệnh viện Đa khoa Trung ương Quảng Nam", "central", True, "xã Tam Xuân"),
        ("Bệnh viện Đa khoa Quảng Nam", "province", True, "phường Tam Kỳ"),
        ("Bệnh viện Đa khoa khu vực Quảng Nam", "province", True, "phường Điện Bàn"),
        ("Bệnh viện Ung bướu Đà Nẵng", "province", False, "phường Hòa Khánh"),
    ],
}

DISTRICT_KINDS = {"quận": "quận", "huyện": "huyện", "thị xã": "thị xã",
                  "thành phố": "thành phố", "": ""}
STATION_LETTERS = "CDEFGHKLMNPRST"


# Offices' addresses and phones as BHXH publishes them; every other office has none (the
# look-up shows no address rather than a made-up one). Add only what a public source says.
OFFICE_ADDRESSES = {
    # BHXH Việt Nam's head office.
    "000": "Số 7 Tràng Thi, phường Hoàn Kiếm, Hà Nội",
    # Thông báo 1978/TB-BHXH of BHXH TP Hồ Chí Minh, 26/9/2025 (from 1/10/2025).
    "079": "Số 5 đường Nguyễn Đổng Chi, phường Tân Mỹ, TP Hồ Chí Minh",
}
OFFICE_PHONES = {
    "000": "1900 9068",  # BHXH Việt Nam's hotline, printed on its notices.
}


def province_office_name(code: str, name: str) -> str:
    if code in CITIES:
        return f"BHXH TP. {name.removeprefix('TP ')}"
    return f"BHXH tỉnh {name}"


def areas(code: str) -> list[tuple[str, str]]:
    if code in CITY_DISTRICTS:
        return CITY_DISTRICTS[code]
    districts = dict((c, d) for c, _, d in PROVINCES)[code]
    return [(district, "") for district in districts]


def offices() -> list[dict]:
    rows = [{"code": "000", "name": "BHXH Việt Nam", "level": "central", "parent_code": "",
             "province_code": "", "receives_declarations": "0"}]
    for code, name, _ in PROVINCES:
        office_code = f"0{code}"
        rows.append({"code": office_code, "name": province_office_name(code, name),
                     "level": "province", "parent_code": "000", "province_code": code,
                     "receives_declarations": "1"})
        for index, (area, _kind) in enumerate(areas(code), start=1):
            rows.append({"code": f"{office_code}{index:02d}", "name": f"BHXH cơ sở {area}",
                         "level": "local", "parent_code": office_code, "province_code": code,
                         "receives_declarations": "1"})
    columns = ("code", "name", "level", "parent_code", "province_code", "address", "phone",
               "receives_declarations")
    for row in rows:
        row["address"] = OFFICE_ADDRESSES.get(row["code"], "")
        row["phone"] = OFFICE_PHONES.get(row["code"], "")
    return [{column: row[column] for column in columns} for row in rows]


def facilities() -> list[dict]:
    rows: list[dict] = []

    def add(code: str, number: str, name: str, level: str, accepts: bool, address: str):
        rows.append({"code": f"{code}{number}", "name": name, "province_code": code,
                     "level": level, "accepts_registration": "1" if accepts else "0",
                     "address": address})

    for code, name, _ in PROVINCES:
        short = name.removeprefix("TP ")
        city = code in CITIES
        whose = f"thành phố {short}" if city else f"tỉnh {short}"
        if code in BIG_CITY_HOSPITALS:
            for index, (hname, level, accepts, address) in enumerate(
                BIG_CITY_HOSPITALS[code], start=1
            ):
                add(code, f"{index:03d}", hname, level, accepts, f"{address}, {name}")
        else:
            add(code, "001", f"Bệnh viện Đa khoa {whose}", "province", True, name)
        add(code, "020", f"Bệnh viện Y học cổ truyền {whose}", "province", True, name)
        add(code, "021", f"Bệnh viện Phổi {whose}", "province", False, name)
        add(code, "022", f"Bệnh viện Sản - Nhi {whose}", "province", False, name)
        for index, (area, kind) in enumerate(areas(code), start=30):
            label = f"{kind} {area}".strip() if kind else area
            add(code, f"{index:03d}", f"Trung tâm Y tế {label}", "district", True,
                f"{area}, {name}")
        wards = WARDS.get(code) or [area for area, _ in areas(code)][:3]
        for index, ward in enumerate(wards):
            letter = STATION_LETTERS[index // 100]
            kind = "phường" if code in CITIES else "xã"
            add(code, f"{letter}{index % 100:02d}", f"Trạm Y tế {kind} {ward}", "commune",
                True, f"{kind} {ward}, {name}")
    return rows


def write(name: str, rows: list[dict]) -> None:
    with (HERE / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    write("provinces.csv", [{"code": c, "name": n} for c, n, _ in PROVINCES])
    write("offices.csv", offices())
    write("facilities.csv", facilities())


if __name__ == "__main__":
    main()
