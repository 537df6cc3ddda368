"""PyTorch peer of `ulasan predict --model <lstm>` (issue 18): loads the model and vocabulary that
torch_lstm_smsa.py saved, labels every line of a text file (lower-cased, split on whitespace,
pre-padded/truncated to T = 50 as in training), and writes one JSON line per text to stdout
(label and class probabilities), like `ulasan predict --format jsonl`. Batches of 512, no_grad,
eval mode. The last line is this script's own phase times.

Usage: python3 torch_lstm_predict.py MODEL_DIR TEXTS_TXT [THREADS]  (threads default 1)
"""
import json
import os
import sys
import time

t0 = time.perf_counter()
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402,F401
from lstm_net import Net  # noqa: E402  (beside this script)

torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
t_import = time.perf_counter()
model_dir, path = sys.argv[1], sys.argv[2]
T, BATCH = 50, 512
LABELS = ["positive", "neutral", "negative"]
with open(os.path.join(model_dir, "vocab.json"), encoding="utf-8") as f:
    vocab = json.load(f)


model = Net(len(vocab) + 2)
model.load_state_dict(torch.load(os.path.join(model_dir, "model.pt")))
model.eval()
t_load = time.perf_counter()
with open(path, encoding="utf-8") as f:
    texts = [line.rstrip("\n") for line in f if line.strip()]
x = torch.zeros(len(texts), T, dtype=torch.long)
for r, text in enumerate(texts):
    ids = [vocab.get(w, 1) for w in text.lower().split()][-T:]
    if ids:
        x[r, T - len(ids):] = torch.tensor(ids)
t_data = time.perf_counter()
out = sys.stdout
with torch.no_grad():
    for b in range(0, len(texts), BATCH):
        probs = torch.softmax(model(x[b : b + BATCH]), dim=1).tolist()
        for i, p in enumerate(probs):
            best = max(range(3), key=lambda k: p[k])
            out.write(json.dumps({"text": texts[b + i], "label": LABELS[best],
                                  "probabilities": dict(zip(LABELS, p))}, ensure_ascii=False) + "\n")
t_predict = time.perf_counter()
print(json.dumps({"rows": len(texts), "import": t_import - t0, "load": t_load - t_import,
                  "data": t_data - t_load, "predict": t_predict - t_data}))
