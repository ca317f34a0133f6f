"""Settings and project paths.

Resource files (ontology, shapes, registers, curated statements, queries) live at the top of the
project, next to ``src/``. ``KAMERKG_HOME`` points elsewhere when the package is installed without
the project tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASE = "https://w3id.org/kamerkg/"


def project_home() -> Path:
    env = os.environ.get("KAMERKG_HOME")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Where things are and which base IRI is minted under."""

    home: Path
    base: str = DEFAULT_BASE

    @property
    def ontology_dir(self) -> Path:
        return self.home / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def sources_dir(self) -> Path:
        return self.data_dir / "sources"

    @property
    def reference_dir(self) -> Path:
        return self.data_dir / "reference"

    @property
    def curated_dir(self) -> Path:
        return self.data_dir / "curated"

    @property
    def queries_dir(self) -> Path:
        return self.home / "queries"

    @property
    def vocab(self) -> str:
        """Namespace of the kamerkg ontology."""
        return self.base + "def#"

    @property
    def ids(self) -> str:
        """Namespace under which instances are minted."""
        return self.base + "id/"


def settings(base: str | None = None) -> Settings:
    b = base or os.environ.get("KAMERKG_BASE") or DEFAULT_BASE
    if not b.endswith(("/", "#")):
        b += "/"
    return Settings(home=project_home(), base=b)
