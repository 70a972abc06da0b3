"""Analysis of SE networks: cost tables and excitations (Fig. 5)."""
from .cost import Cost, cost_rows, model_cost, time_models, to_csv, to_markdown
from .excitation import (ExcitationRecorder, block_name, class_means,
                         record_dataset, sample_channels, se_blocks,
                         select_images, summarize)

__all__ = [
    'Cost', 'cost_rows', 'model_cost', 'time_models', 'to_csv',
    'to_markdown', 'ExcitationRecorder', 'block_name', 'class_means',
    'record_dataset', 'sample_channels', 'se_blocks', 'select_images',
    'summarize'
]
