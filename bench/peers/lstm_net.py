"""The PyTorch network of the LSTM peers (torch_lstm_smsa.py trains it, torch_lstm_predict.py
loads it): ulasan's LSTM classifier, Embedding(V, 100), LSTM(64) -> LSTM(64) with input dropout
0.2, Dropout(0.2), Dense(3) on the last step."""
import torch.nn as nn

DIM, UNITS, DROPOUT = 100, 64, 0.2


class Net(nn.Module):
    def __init__(self, v):
        super().__init__()
        self.emb = nn.Embedding(v, DIM)
        self.drop = nn.Dropout(DROPOUT)
        self.lstm1 = nn.LSTM(DIM, UNITS, batch_first=True)
        self.lstm2 = nn.LSTM(UNITS, UNITS, batch_first=True)
        self.out = nn.Linear(UNITS, 3)

    def forward(self, ids):
        h, _ = self.lstm1(self.drop(self.emb(ids)))
        h, _ = self.lstm2(self.drop(h))
        return self.out(self.drop(h[:, -1]))
