"""SENet-154 trained as ``senet154_imagenet.py`` (224 crops), evaluated on
320 x 320 centre crops (paper, Table 4: 17.28 / 3.79 top-1 / top-5 error).

The paper gives only the crop; the short side is resized to 366 so the crop
keeps the 224/256 = 0.875 ratio of the standard evaluation.
"""
_base_ = './senet154_imagenet.py'

val_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=366, edge='short'),
    dict(type='CenterCrop', crop_size=320),
    dict(type='PackInputs'),
]))
test_dataloader = val_dataloader
