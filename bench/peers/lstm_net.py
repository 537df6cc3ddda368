"""The PyTorch networks of the deep-training peers (torch_lstm_smsa.py trains them,
torch_lstm_predict.py loads the LSTM): ulasan's classifiers with their default shapes.

- lstm: Embedding(V, 100), LSTM(64) -> LSTM(64) with input dropout 0.2, Dropout(0.2), Dense(3)
  on the last step (`Net`, also what torch_lstm_predict.py loads);
- gru: the same with GRU(64) layers (PyTorch's GRU applies the reset gate after the recurrent
  product, tfjs-layers' before it: the same products and sizes, a slightly different cell);
- cnn-lstm: Embedding(V, 100), Conv1D(64, kernel 5, same padding, relu), MaxPool(2),
  Dropout(0.3), LSTM(64) with input dropout 0.3, Dropout(0.3), Dense(3).

`net.l2_weights()` lists the weights ulasan puts L2 0.001 on (each recurrent or convolutional
layer's input kernel)."""
import torch.nn as nn

DIM, UNITS, DROPOUT = 100, 64, 0.2


class Net(nn.Module):
    def __init__(self, v, cell=nn.LSTM):
        super().__init__()
        self.emb = nn.Embedding(v, DIM)
        self.drop = nn.Dropout(DROPOUT)
        self.lstm1 = cell(DIM, UNITS, batch_first=True)
        self.lstm2 = cell(UNITS, UNITS, batch_first=True)
        self.out = nn.Linear(UNITS, 3)

    def forward(self, ids):
        h, _ = self.lstm1(self.drop(self.emb(ids)))
        h, _ = self.lstm2(self.drop(h))
        return self.out(self.drop(h[:, -1]))

    def l2_weights(self):
        return [self.lstm1.weight_ih_l0, self.lstm2.weight_ih_l0]


class CnnLstm(nn.Module):
    def __init__(self, v):
        super().__init__()
        self.emb = nn.Embedding(v, DIM)
        self.conv = nn.Conv1d(DIM, 64, 5, padding=2)
        self.pool = nn.MaxPool1d(2)
        self.drop = nn.Dropout(0.3)
        self.lstm1 = nn.LSTM(64, UNITS, batch_first=True)
        self.out = nn.Linear(UNITS, 3)

    def forward(self, ids):
        x = self.emb(ids).transpose(1, 2)  # [B, C, T]
        x = self.pool(self.conv(x).relu()).transpose(1, 2)
        h, _ = self.lstm1(self.drop(self.drop(x)))  # the Dropout layer, then the LSTM input dropout
        return self.out(self.drop(h[:, -1]))

    def l2_weights(self):
        return [self.conv.weight, self.lstm1.weight_ih_l0]


def make_net(kind, v):
    if kind == "lstm":
        return Net(v)
    if kind == "gru":
        return Net(v, nn.GRU)
    if kind == "cnn-lstm":
        return CnnLstm(v)
    raise SystemExit(f"unknown network kind {kind!r}: lstm, gru or cnn-lstm")
