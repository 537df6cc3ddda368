"""Peer for bench/overheads.bench.ts: plain-Python equivalents of ulasan's per-run overheads.

Modes (argv[1]), each prints one JSON line with the seconds of every repeat:
  preprocess TSV SLANG STOPWORDS REPEATS  lowercase, URL/mention/number cleanup (re), whitespace
                                          tokenize, slang lookup, stopword removal (no stemmer)
  vocab TSV TIMES REPEATS                 dict counting + sort by -count (torch_lstm_smsa.py's way)
                                          and a Keras-Tokenizer-style OrderedDict count + sort
  save DIR VOCAB REPEATS                  torch.save(state_dict) of torch_lstm_smsa.py's Net
Only the measured step is timed: interpreter start-up and imports are outside the numbers.
"""
import json
import os
import re
import sys
import time
from collections import OrderedDict


def read_texts(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            text, _, _ = line.rstrip("\n").rpartition("\t")
            if text:
                out.append(text)
    return out


def read_list(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]


mode = sys.argv[1]
times = []
if mode == "preprocess":
    texts = read_texts(sys.argv[2])
    slang = {}
    for l in read_list(sys.argv[3]):
        k, _, v = l.partition("\t")
        slang[k.strip()] = v.strip()
    stop = {w.strip() for w in read_list(sys.argv[4])}
    url = re.compile(r"https?://\S+|www\.\S+")
    mention = re.compile(r"@\w+")
    number = re.compile(r"\d+")
    for _ in range(int(sys.argv[5]) + 1):  # first run is the warm-up
        t = time.perf_counter()
        n = 0
        for s in texts:
            s = number.sub(" ", mention.sub(" ", url.sub(" ", s.lower())))
            toks = []
            for w in s.split():
                w = slang.get(w, w)
                for x in w.split():
                    if x not in stop:
                        toks.append(x)
            n += len(toks)
        times.append(time.perf_counter() - t)
    print(json.dumps({"seconds": times[1:], "tokens": n}))
elif mode == "vocab":
    docs = [t.lower().split() for t in read_texts(sys.argv[2])] * int(sys.argv[3])
    keras = []
    for _ in range(int(sys.argv[4])):
        t = time.perf_counter()
        counts = {}
        for toks in docs:
            for w in toks:
                counts[w] = counts.get(w, 0) + 1
        vocab = {w: i + 2 for i, w in enumerate(sorted(counts, key=lambda w: -counts[w]))}
        times.append(time.perf_counter() - t)
        # Keras Tokenizer.fit_on_texts: OrderedDict counts, then sort items by count.
        t = time.perf_counter()
        wc = OrderedDict()
        for toks in docs:
            for w in toks:
                wc[w] = wc.get(w, 0) + 1
        wcounts = sorted(wc.items(), key=lambda x: x[1], reverse=True)
        index = {w: i + 1 for i, (w, _) in enumerate(wcounts)}
        keras.append(time.perf_counter() - t)
    print(json.dumps({"seconds": times, "keras": keras, "size": len(vocab)}))
elif mode == "save":
    import torch
    import torch.nn as nn

    torch.set_num_threads(1)
    DIM, UNITS = 100, 64

    class Net(nn.Module):
        def __init__(self, v):
            super().__init__()
            self.emb = nn.Embedding(v, DIM)
            self.drop = nn.Dropout(0.2)
            self.lstm1 = nn.LSTM(DIM, UNITS, batch_first=True)
            self.lstm2 = nn.LSTM(UNITS, UNITS, batch_first=True)
            self.out = nn.Linear(UNITS, 3)

    model = Net(int(sys.argv[3]))
    base = sys.argv[2]
    for i in range(int(sys.argv[4]) + 1):
        d = os.path.join(base, f"torch-{i}")
        os.makedirs(d, exist_ok=True)
        t = time.perf_counter()
        torch.save(model.state_dict(), os.path.join(d, "model.pt"))
        times.append(time.perf_counter() - t)
    size = os.path.getsize(os.path.join(base, "torch-0", "model.pt"))
    print(json.dumps({"seconds": times[1:], "bytes": size}))
else:
    sys.exit(f"unknown mode {mode}")
