"""se_plugin's models; importing this registers them in se_plugin.MODELS."""
from .attention import *  # noqa: F401,F403
from .backbones import *  # noqa: F401,F403
from .blocks import *  # noqa: F401,F403
from .necks import *  # noqa: F401,F403
from .roi_heads import *  # noqa: F401,F403
