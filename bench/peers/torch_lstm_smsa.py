"""PyTorch peer of `ulasan train --model lstm --epochs 2 --batch-size 128` on SmSA (issue 18).

The same network as ulasan's LSTM classifier: Embedding(V, 100), LSTM(64) -> LSTM(64) with input
dropout 0.2 and L2 0.001 on each LSTM's input kernel, Dropout(0.2), Dense(3), T = 50 (pre-padded
and truncated like Keras pad_sequences), Adam (lr 0.001), batch 128, 1 thread unless told; KIND
gru or cnn-lstm trains those networks instead (lstm_net.py). The whole job is
timed by the caller (interpreter start-up, imports, reading, vocabulary, training, saving); this
script prints one JSON line with its own phase times.

Usage: python3 torch_lstm_smsa.py TRAIN_TSV OUT_DIR [EPOCHS] [THREADS] [KIND]  (1 thread, lstm)
"""
import json
import os
import sys
import time

t0 = time.perf_counter()
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402,F401
from lstm_net import make_net  # noqa: E402  (beside this script)
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
torch.manual_seed(42)
t_import = time.perf_counter()

path, out_dir = sys.argv[1], sys.argv[2]
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
T, BATCH, L2 = 50, 128, 1e-3
LABELS = {"positive": 0, "neutral": 1, "negative": 2}

texts, labels = [], []
with open(path, encoding="utf-8") as f:
    for line in f:
        text, _, label = line.rstrip("\n").rpartition("\t")
        if text:
            texts.append(text.lower().split())
            labels.append(LABELS[label])
counts = {}
for toks in texts:
    for w in toks:
        counts[w] = counts.get(w, 0) + 1
vocab = {w: i + 2 for i, w in enumerate(sorted(counts, key=lambda w: -counts[w])[: 30000 - 2])}  # 0 pad, 1 OOV
x = torch.zeros(len(texts), T, dtype=torch.long)
for r, toks in enumerate(texts):
    ids = [vocab.get(w, 1) for w in toks][-T:]
    if ids:
        x[r, T - len(ids):] = torch.tensor(ids)
y = torch.tensor(labels)
t_data = time.perf_counter()


model = make_net(sys.argv[5] if len(sys.argv) > 5 else "lstm", len(vocab) + 2)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
losses = []
for epoch in range(epochs):
    model.train()
    perm = torch.randperm(len(texts))
    total = 0.0
    for b in range(0, len(texts), BATCH):
        idx = perm[b : b + BATCH]
        opt.zero_grad()
        loss = F.cross_entropy(model(x[idx]), y[idx])
        reg = L2 * sum(w.pow(2).sum() for w in model.l2_weights())
        (loss + reg).backward()
        opt.step()
        total += loss.item() * len(idx)
    losses.append(total / len(texts))
t_train = time.perf_counter()
os.makedirs(out_dir, exist_ok=True)
torch.save(model.state_dict(), os.path.join(out_dir, "model.pt"))
with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
    json.dump(vocab, f)
t_save = time.perf_counter()
print(json.dumps({
    "torch": torch.__version__, "vocab": len(vocab) + 2, "rows": len(texts), "loss": losses,
    "import": t_import - t0, "data": t_data - t_import, "train": t_train - t_data, "save": t_save - t_train,
}))
