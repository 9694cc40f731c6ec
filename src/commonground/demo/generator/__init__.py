"""The synthetic community generator: a fictional school district and its partners, with known ground truth.

Django-free. The CLI and the Django demo loader call exactly this API::

    from commonground.demo.generator import GeneratorConfig, generate, GenerationResult
    result = generate(GeneratorConfig(students=5000, seed=42, out_dir=Path("var/demo")))
"""

from .config import GenerationResult, GeneratorConfig, PartnerErrorRates
from .generate import generate
from .names import nicknames_for

__all__ = ["GenerationResult", "GeneratorConfig", "PartnerErrorRates", "generate", "nicknames_for"]
