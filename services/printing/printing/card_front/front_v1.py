"""e-KTP front, template version 1: the field order and placement of the issued KTP-el."""

from __future__ import annotations

from .template import Box, FrontTemplate, Palette, Row

FRONT_V1 = FrontTemplate(
    version="ektp-front/1",
    # ISO/IEC 7810 ID-1
    width_mm=85.60,
    height_mm=53.98,
    dpi=300,
    palettes={
        "WNI": Palette(background_top=(214, 236, 250), background_bottom=(150, 200, 235),
                       pattern=(120, 175, 220), text=(0, 0, 0)),
        "WNA": Palette(background_top=(253, 232, 200), background_bottom=(245, 178, 105),
                       pattern=(226, 150, 80), text=(0, 0, 0)),
    },
    header=Box(3.0, 1.6, 79.6, 7.0),
    header_pt=8.0,
    header_min_pt=5.5,
    nik_y=10.2,
    nik_label_pt=9.0,
    nik_pt=10.0,
    nik_value_x=22.4,
    label_x=3.0,
    colon_x=20.6,
    value_x=21.8,
    rows=(
        Row("nama", "Nama", max_lines=2),
        Row("tempat_tgl_lahir", "Tempat/Tgl Lahir"),
        Row("jenis_kelamin", "Jenis Kelamin"),
        Row("alamat", "Alamat", max_lines=2),
        Row("rt_rw", "RT/RW", indent=1.8),
        Row("kelurahan_desa", "Kel/Desa", indent=1.8),
        Row("kecamatan", "Kecamatan", indent=1.8),
        Row("agama", "Agama"),
        Row("status_perkawinan", "Status Perkawinan"),
        Row("pekerjaan", "Pekerjaan"),
        Row("kewarganegaraan", "Kewarganegaraan"),
        Row("berlaku_hingga", "Berlaku Hingga"),
    ),
    rows_top=15.4,
    rows_bottom=52.6,
    rows_right=61.0,
    row_pitch=3.1,
    text_pt=6.0,
    text_min_pt=5.0,
    golongan_darah_x=41.0,
    golongan_darah_colon_x=51.4,
    golongan_darah_value_x=52.6,
    photo=Box(62.6, 10.6, 20.0, 26.6),
    issue_place=Box(62.0, 37.6, 21.2, 2.5),
    issue_date=Box(62.0, 40.1, 21.2, 2.5),
    issue_pt=5.5,
    signature=Box(62.6, 43.0, 20.0, 9.0),
    signature_pt=9.0,
)
