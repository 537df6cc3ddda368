"""Writes tests/fixtures/vision/opencv-cascade-reference.json: what OpenCV's own
CascadeClassifier.detectMultiScale finds on the vision test fixtures, for
tests/vision/cascade.test.ts to compare ulasan's CascadeFaceDetector with.

Run once on a machine with Debian's python3-opencv and opencv-data (not needed by the tests):
  /usr/bin/python3 tests/vision/opencv-cascade-reference.py
The gray image is computed from the RGB pixels the test also decodes (cv2.imread), with
cv2.cvtColor (BGR2GRAY); settings are OpenCV's defaults (scaleFactor 1.1, minNeighbors 3).
"""
import glob
import json
import os

import cv2

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "vision", "faces")
CASCADES = {
    "haar": "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
    "lbp": "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml",
}


def main():
    out = {"opencv": cv2.__version__, "scaleFactor": 1.1, "minNeighbors": 3, "images": {}}
    cv2.setNumThreads(1)
    for path in sorted(glob.glob(os.path.join(FIXTURES, "*", "*.jpg"))):
        rel = os.path.relpath(path, FIXTURES)
        gray = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2GRAY)
        entry = {"width": gray.shape[1], "height": gray.shape[0]}
        for name, xml in CASCADES.items():
            c = cv2.CascadeClassifier(xml)
            boxes = c.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=3)
            raw = c.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=0)
            entry[name] = [[int(v) for v in b] for b in boxes]
            entry[name + "Raw"] = len(raw)
        out["images"][rel] = entry
    dest = os.path.join(HERE, "..", "fixtures", "vision", "opencv-cascade-reference.json")
    with open(dest, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
