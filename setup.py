"""Package discovery, which pyproject.toml cannot express alone: setuptools finds every
package under gmr/, and grammar/ (kept at the top of the repository, where the .lark
files are easy to find) ships inside the wheel as the package gmr.grammar, so one
importlib.resources lookup finds it in an editable checkout and in an installed wheel."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["gmr", "gmr.*"]), "gmr.grammar"],
    package_dir={"gmr.grammar": "grammar"},
)
