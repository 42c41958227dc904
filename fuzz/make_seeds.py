# Seed corpora for the fuzz targets, from rules/*.toml examples and fixtures/tree: `python3 fuzz/make_seeds.py`.
import tomllib, os, gzip, bz2, lzma, subprocess, io, zipfile, tarfile, hashlib, glob, re
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
corp = f"{root}/fuzz/corpus"
def put(target, data):
    d = f"{corp}/{target}"; os.makedirs(d, exist_ok=True)
    open(f"{d}/{hashlib.sha1(data).hexdigest()}", "wb").write(data)
# validator names from src/validate/mod.rs NAMES
src = open(f"{root}/src/validate/mod.rs").read()
names = re.findall(r'^    "([a-z0-9-]+)",$', src.split("pub const NAMES")[1].split("];")[0], re.M)
rules = []
for f in sorted(glob.glob(f"{root}/rules/*.toml")):
    if f.endswith("policy.toml"): continue
    rules += tomllib.load(open(f, "rb")).get("rule", [])
texts = []
for r in rules:
    for ex in r.get("examples", []) + r.get("counterexamples", []):
        texts.append(ex)
        v = r.get("validator")
        if v in names:
            put("validators", bytes([names.index(v)]) + ex.encode())
            # a rough candidate: the longest token
            tok = max(re.split(r"[\s=:,\"']+", ex), key=len)
            put("validators", bytes([names.index(v)]) + tok.encode())
files = [p for p in glob.glob(f"{root}/fixtures/tree/**/*", recursive=True) if os.path.isfile(p)]
blobs = [open(p, "rb").read() for p in files]
for i, t in enumerate(texts):
    put("scanner", bytes([i % 256, (i * 7) % 256, i % 4]) + t.encode())
for i, b in enumerate(blobs):
    put("scanner", bytes([i, 3, i % 4]) + b[:20000])
    put("structured", bytes([i * 2 % 256, i, 0]) + b[:4000])
put("structured", b"\x00\x05\x00" + b'{"user": {"email": "jane.roe@fabrikam-mail.com", "ip": "81.2.69.142"}}\n[1,2,{"a":"b"}]\n')
put("structured", b"\x03\x09\x00" + b'name,email,phone\n"Roe, Jane",jane@x.io,+44 20 3123 4567\n')
def zst(b): return subprocess.run(["zstd", "-q", "-c"], input=b, capture_output=True).stdout
small = blobs[:6]
for b in small:
    b = b[:3000]
    put("decompress", b"\x00" + gzip.compress(b))
    put("decompress", b"\x01" + zst(b))
    put("decompress", b"\x02" + bz2.compress(b))
    put("decompress", b"\x03" + lzma.compress(b))
    put("decompress", b"\x80" + b)
def mkzip(members, method=zipfile.ZIP_DEFLATED):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", method) as z:
        for n, d in members: z.writestr(n, d)
    return bio.getvalue()
def mktar(members):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.GNU_FORMAT) as t:
        for n, d in members:
            ti = tarfile.TarInfo(n); ti.size = len(d); t.addfile(ti, io.BytesIO(d))
    return bio.getvalue()
m = [(os.path.basename(p), open(p, "rb").read()[:1500]) for p in files[:3]]
z = mkzip(m); t = mktar(m)
for data in [z, mkzip(m, zipfile.ZIP_STORED), t, gzip.compress(t), zst(t), mkzip([("inner.tar.gz", gzip.compress(t)), ("x.csv", m[0][1])]), mktar([("in.zip", z)]), gzip.compress(gzip.compress(m[0][1]))]:
    put("archive", data)
# config
cfg = open(f"{root}/src/config_file.rs").read().split('let text = r#"')[1].split('"#;')[0]
put("config", b"\x00" + cfg.encode())
put("config", b"\x00" + b'fail-on = "sometimes"\n')
for f in sorted(glob.glob(f"{root}/rules/*.toml")):
    data = open(f, "rb").read()
    put("config", (b"\x02" if f.endswith("policy.toml") else b"\x01") + data)
put("config", b'\x03{"piiscan-baseline": 1, "findings": [\n{"fingerprint": "2f1c", "rule": "email", "path": "a.txt"}\n]}\n')
print({d: len(os.listdir(f"{corp}/{d}")) for d in os.listdir(corp)})
