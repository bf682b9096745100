#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into OUTDIR/<target>/.

    tests/fuzz/make_seeds.py OUTDIR TARGET...

Seeds come from the repository at run time, never copied into it: the
fixture devices (tests/fixtures/*/*/inquiry, vpd_pg*), the shipped hwdb
file and the kernel's quirk table, plus the hand seeds in
tests/fuzz/seeds/<target>/ (*.hex: hex bytes with '#' comments; *.txt and
others: raw bytes). The multi-field layouts are the ones fuzz_input.h reads:
big-endian numbers and fields with a 2-byte length.
"""

import hashlib
import pathlib
import re
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / 'tests' / 'fixtures'
HAND = ROOT / 'tests' / 'fuzz' / 'seeds'


def u8(n):
    return bytes([n & 0xff])


def u16(n):
    return n.to_bytes(2, 'big')


def field(data):
    data = data[:0xffff]
    return u16(len(data)) + data


def fixture_files(name):
    return sorted(p for p in FIXTURES.rglob(name) if p.is_file())


def read_hex(path):
    text = re.sub(r'#.*', '', path.read_text())
    return bytes.fromhex(''.join(text.split()))


def devinfo_entries():
    """scsi_devinfo-6.1.txt as (vendor, model, revision, flags number)."""
    bits = {}
    for line in (FIXTURES / 'kernel_devinfo' / 'blist_names-6.1.txt').read_text().splitlines():
        if line and not line.startswith('#'):
            bit, name = line.split()
            bits[name] = int(bit)
    entries = []
    for line in (FIXTURES / 'kernel_devinfo' / 'scsi_devinfo-6.1.txt').read_text().splitlines():
        m = re.match(r'"(.*?)" "(.*?)" (?:"(.*?)"|-) (\S+)$', line)
        if not m:
            continue
        vendor, model, revision, names = m.groups()
        flags = sum(1 << bits[n] for n in names.split('|') if n in bits)
        entries.append((vendor, model, revision or '', flags, names.replace('|', ' ')))
    return entries


def hwdb_records():
    """Each record of the shipped hwdb file: (vendor, model, record text)."""
    records = []
    current = []
    for line in (ROOT / 'hwdb' / '60-scsi-probe-quirks.hwdb').read_text().splitlines():
        if line.startswith('scsi-quirk:'):
            current = [line]
            records.append(current)
        elif line.startswith(' ') and current:
            current.append(line)
        else:
            current = []
    out = []
    for lines in records:
        m = re.match(r'scsi-quirk:v(.*?):m(.*?):r', lines[0])
        vendor, model = (m.group(1), m.group(2).rstrip('*')) if m else ('', '')
        out.append((vendor, model, '\n'.join(lines) + '\n'))
    return out


def quirks_header(vendor=b'', model=b''):
    # flag mask, kernel-applied mask, "applied" byte, vendor, model.
    return bytes(17) + field(vendor) + field(model)


def latin1(s):
    return s.encode('latin-1', 'replace')


def seeds_for(target):
    hand = HAND / target
    if hand.is_dir():
        for path in sorted(hand.iterdir()):
            if path.suffix == '.hex':
                yield read_hex(path)
            elif target == 'quirks':
                yield quirks_header() + path.read_bytes()
            else:
                yield path.read_bytes()

    inquiries = fixture_files('inquiry')
    if target in ('inquiry', 'hwdb_key'):
        for p in inquiries:
            yield p.read_bytes()
    if target == 'hwdb_key':
        # Each kernel table entry as the device it names would answer.
        for vendor, model, revision, _, _ in devinfo_entries():
            yield (bytes([0, 0, 5, 2, 0x1f, 0, 0, 2]) + latin1(vendor).ljust(8)[:8] +
                   latin1(model).ljust(16)[:16] + latin1(revision).ljust(4)[:4])
    if target == 'vpd_device_id':
        for p in fixture_files('vpd_pg83'):
            yield p.read_bytes()
    if target == 'vpd_pages':
        for p in fixture_files('vpd_pg*'):
            yield p.read_bytes()
    if target == 'lun_diff':
        for p in inquiries:
            yield u8(1) + field(p.read_bytes()) + field(b'') + field(b'')
    if target == 'udev_string':
        for p in fixture_files('vpd_pg80') + inquiries:
            yield u8(63) + p.read_bytes()
    if target in ('identify', 'udev_import'):
        for p in inquiries:
            d = p.parent
            pages = [d / n for n in ('vpd_pg0', 'vpd_pg80', 'vpd_pg83')]
            present = sum(1 << i for i, page in enumerate(pages) if page.exists())
            data = u8(present) + u8(7) + bytes(8) + field(p.read_bytes())
            for page in pages:
                data += field(page.read_bytes() if page.exists() else b'')
            yield data
    if target == 'quirks':
        for vendor, model, text in hwdb_records():
            yield quirks_header(latin1(vendor), latin1(model)) + latin1(text)
        for vendor, model, _, flags, names in devinfo_entries():
            header = quirks_header(latin1(vendor), latin1(model))
            entry = latin1(f'{vendor}:{model}:{flags}')
            yield header + entry
            yield header + b'ro scsi_mod.dev_flags=' + entry
            yield quirks_header() + latin1(names) + b'\n'
    if target == 'policy':
        yield from policy_seeds()
    if target == 'attach':
        yield from attach_seeds()


def policy_seeds():
    transports = {'fc': 1, 'sas': 2, 'iscsi': 3}
    for path in sorted((FIXTURES / 'policy').rglob('*.conf')):
        text = path.read_bytes()
        base = u8(0) + bytes(20)
        yield base + field(b'') + field(b'') + field(b'') + field(b'') + text
        for line in text.decode('latin-1').splitlines():
            words = line.split('#')[0].split()
            if len(words) < 2:
                continue
            kind, arg = words[0], words[1]
            # A LUN the rule names, so that the decisions see a match.
            hctl = bytes(20)
            m = re.fullmatch(r'(\d+):(\d+):(\d+):(\d+)', arg)
            if kind == 'hctl' and m:
                h, c, t, l = (int(x) for x in m.groups())
                if max(h, c, t) < 2**32 and l < 2**64:
                    hctl = (h.to_bytes(4, 'big') + c.to_bytes(4, 'big') +
                            t.to_bytes(4, 'big') + l.to_bytes(8, 'big'))
            address = latin1(arg) if kind in transports else b''
            designator = latin1(arg) if kind == 'wwn' else b''
            cmdline = latin1(f'ro quiet scsi_probe.policy="{" ".join(words)}"')
            yield (u8(transports.get(kind, 0)) + hctl + field(address) + field(designator) +
                   field(designator) + field(cmdline) + text)


def attach_seeds():
    for p in fixture_files('inquiry'):
        pg83 = p.parent / 'vpd_pg83'
        page = pg83.read_bytes() if pg83.exists() else b''
        for flags, dh_state, bound in ((0x36, b'detached\n', b''), (0x3e, b'alua\n', b'sd'),
                                       (0x76, b'detached\n', b'')):
            yield (u8(flags) + u8(0) + bytes(16) + u8(1) + field(p.read_bytes()) + field(page) +
                   field(dh_state) + field(bound))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outdir = pathlib.Path(sys.argv[1])
    for target in sys.argv[2:]:
        d = outdir / target
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        count = 0
        for data in seeds_for(target):
            # Named by content: duplicates collapse.
            (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)
            count += 1
        if count == 0:
            (d / 'empty').write_bytes(b'')


if __name__ == '__main__':
    main()
