# dflint's container image, a drop-in for hadolint's: `docker run --rm -i IMAGE < Dockerfile`
# lints standard input (the default command is `dflint -`), and `docker run --rm -v "$PWD:/work"
# IMAGE dflint Dockerfile` lints files. It has a shell, so GitLab jobs and pre-commit's
# docker_image hooks can use it as it is.
#
# The base is pinned by tag to one Python minor version on one Debian release (3.12 on
# bookworm, slim variant: ~45 MB, no compilers). Both stages use the same image, so the
# virtualenv built in the first stage finds the same interpreter at the same path in the second.
# A digest pin would also freeze security updates of the base; rebuild the image instead.
ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
# pip takes its settings from the environment, so a mirror or a local wheelhouse is a build
# arg away (e.g. --build-arg PIP_INDEX_URL=https://mirror.example/simple, or PIP_NO_INDEX=1
# with PIP_FIND_LINKS=http://127.0.0.1:8000/ and --network host). Unset, pip uses PyPI.
# They live in this stage only: the final image keeps none of them.
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ARG PIP_NO_INDEX
ARG PIP_FIND_LINKS
ARG PIP_TRUSTED_HOST
WORKDIR /src
# Dependencies first, from pyproject.toml alone, then the code: editing dflint does not
# reinstall lark, rich and the rest.
COPY pyproject.toml README.md ./
RUN python -m venv /opt/dflint \
    && python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
       > /tmp/requirements.txt \
    && /opt/dflint/bin/pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements.txt
COPY dflint ./dflint
COPY rules ./rules
# The bytecode pip compiled stays: the container user cannot write a cache, and compiling every
# module on each run made a one-file lint ~3x slower. The installers go: nothing runs pip (or
# the setuptools a Python before 3.12 seeds the venv with) after this step, ~12 MB with both.
RUN /opt/dflint/bin/pip install --no-cache-dir --disable-pip-version-check --no-deps . \
    && /opt/dflint/bin/pip uninstall --yes --disable-pip-version-check setuptools pip

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="dflint" \
      org.opencontainers.image.description="Dockerfile linter: hadolint's rules and configuration, BuildKit's parser" \
      org.opencontainers.image.licenses="MIT"
COPY --from=build /opt/dflint /opt/dflint
ENV PATH=/opt/dflint/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
# A fixed, unprivileged user: nothing in the image needs root.
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin dflint
USER 10001:10001
WORKDIR /work
CMD ["dflint", "-"]
