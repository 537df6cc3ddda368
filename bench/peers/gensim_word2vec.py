"""gensim peer of `ulasan word2vec train` (issue 18): one process reads the corpus file (one
sentence per line, whitespace-separated), trains CBOW with gensim 4's defaults as the CLI has them
(100 dims, window 5, negative 5, min_count 5, sample 1e-3, 5 epochs) on WORKERS threads and writes
the vectors in the word2vec text format. The whole job is timed by the caller; this script prints
one JSON line with its own phase times.

Usage: python3 gensim_word2vec.py CORPUS OUT WORKERS [EPOCHS]
"""
import json
import sys
import time

t0 = time.perf_counter()
from gensim.models import Word2Vec  # noqa: E402
import gensim  # noqa: E402

t_import = time.perf_counter()
path, out, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
with open(path, encoding="utf-8") as f:
    sentences = [line.split() for line in f]
t_read = time.perf_counter()
m = Word2Vec(vector_size=100, window=5, min_count=5, sg=0, negative=5, sample=1e-3, workers=workers, seed=1)
m.build_vocab(sentences)
t_vocab = time.perf_counter()
c0 = time.process_time()
m.train(sentences, total_examples=m.corpus_count, epochs=epochs)
t_train = time.perf_counter()
cpu = time.process_time() - c0
m.wv.save_word2vec_format(out, binary=False)
t_save = time.perf_counter()
print(json.dumps({
    "gensim": gensim.__version__, "words": len(m.wv), "rawWords": m.corpus_total_words,
    "import": t_import - t0, "read": t_read - t_import, "vocab": t_vocab - t_read,
    "train": t_train - t_vocab, "trainCpu": cpu, "save": t_save - t_train,
}))
