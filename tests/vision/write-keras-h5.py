"""Writes a Keras 2 HDF5 weight file from raw float32 weights, the way Keras' save_weights does.

Used by tests/vision/keras-h5.test.ts: the test dumps a model's weights from JavaScript
(manifest.json + one little-endian .f32 file per weight), this script writes them in the layout of
keras/src/legacy/saving/legacy_h5_format.py (save_weights_to_hdf5_group), with Debian's
python3-h5py, and the test loads the .h5 back in JavaScript.

Usage: python3 write-keras-h5.py MANIFEST.json OUT.h5
manifest: {"layout": "weights" | "model", "chunks": 0 | n, "layers": [
  {"name": "conv1_conv", "weights": [{"name": "conv1_conv/kernel:0", "shape": [7, 7, 3, 64], "file": "0.f32"}]}]}
"""
import json
import os
import sys

import h5py
import numpy as np


def save_attributes(group, name, values, chunks):
    # Keras' save_attributes_to_hdf5_group: a list of byte strings, split into name0, name1, ...
    # when it would not fit an HDF5 object header (forced here with chunks > 1).
    data = np.asarray([v.encode("utf8") for v in values])
    if chunks and chunks > 1 and len(values) >= chunks:
        for i, part in enumerate(np.array_split(data, chunks)):
            group.attrs["%s%d" % (name, i)] = part
    else:
        group.attrs[name] = data


def main(manifest_path, out_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    base = os.path.dirname(manifest_path)
    chunks = manifest.get("chunks", 0)
    with h5py.File(out_path, "w") as f:
        root = f
        if manifest.get("layout") == "model":
            f.attrs["model_config"] = json.dumps({"class_name": "Functional", "config": {}}).encode("utf8")
            root = f.create_group("model_weights")
        layers = manifest["layers"]
        save_attributes(root, "layer_names", [l["name"] for l in layers], chunks)
        root.attrs["backend"] = b"tensorflow"
        root.attrs["keras_version"] = b"2.15.0"
        for layer in sorted(layers, key=lambda l: l["name"]):
            g = root.create_group(layer["name"])
            save_attributes(g, "weight_names", [w["name"] for w in layer["weights"]], 0)
            for w in layer["weights"]:
                val = np.fromfile(os.path.join(base, w["file"]), dtype="<f4").reshape(w["shape"])
                dset = g.create_dataset(w["name"], val.shape, dtype=val.dtype)
                if not val.shape:
                    dset[()] = val
                else:
                    dset[:] = val


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
