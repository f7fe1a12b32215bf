# Writes N generated messages into MAILDIR/new for the intake measurement (README, Mail):
#   python3 tests/mail/gen_maildir.py /tmp/Maildir 10000
#   promptly --db /tmp/perf.db init && /usr/bin/time -v promptly --db /tmp/perf.db intake --maildir /tmp/Maildir
import base64, os, random, shutil, sys
root = sys.argv[1]; n = int(sys.argv[2])
shutil.rmtree(root, ignore_errors=True)
for d in ("new", "cur", "tmp"): os.makedirs(os.path.join(root, d))
random.seed(1)
body_en = "Hello,\n\nThe kettle I bought last week stopped heating after two minutes. Order SO-%d.\nPlease advise.\n\nRegards\n"
body_zh = "您好，\n\n上周买的电水壶用两分钟就不热了，订单号 SO-%d。请尽快处理，否则我要投诉。\n\n谢谢\n"
ids = []
for i in range(n):
    sender = random.randrange(1500)
    zh = i % 3 == 0
    mid = f"m{i}.{sender}@example.cn"
    hdr = [f"From: Customer {sender} <c{sender}@example.cn>", "To: support@shop.example",
           f"Date: Mon, 30 Nov 2026 09:{i%60:02d}:00 +0800", f"Message-ID: <{mid}>", "MIME-Version: 1.0"]
    if ids and i % 5 == 0:
        ref = random.choice(ids)
        hdr += [f"In-Reply-To: <{ref}>", f"References: <{ref}>", "Subject: Re: kettle"]
        text = "Still broken.\n\nOn Mon, Shop wrote:\n> did it work?\n"
    elif zh:
        hdr.append("Subject: =?GBK?B?%s?=" % base64.b64encode(f"水壶不加热 {i}".encode("gbk")).decode())
        text = body_zh % i
    else:
        hdr.append(f"Subject: Kettle not heating {i}")
        text = body_en % i
    cs = "GBK" if zh else "utf-8"
    hdr += [f"Content-Type: text/plain; charset={cs}", "Content-Transfer-Encoding: base64", ""]
    raw = "\r\n".join(hdr) + "\r\n" + base64.encodebytes(text.encode("gbk" if zh else "utf-8")).decode().replace("\n", "\r\n")
    ids.append(mid)
    with open(os.path.join(root, "new", f"{1764720000+i}.M{i}P1.host"), "w") as f: f.write(raw)
