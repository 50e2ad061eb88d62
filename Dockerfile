# wa-emulator as a container: `docker build -t wa-emulator .` then
# `docker run --rm -p 8066:8066 wa-emulator` (options after the image name go to `wa-emulator serve`).
#
# BASE is any image with Python 3.11+ and its venv module on PATH as python3: the official
# python:3.x-slim images, or one built from Debian's packages where no registry but Debian's is
# reachable (.ci/docker-base makes that one with debootstrap).
ARG BASE=python:3.12-slim
FROM ${BASE}

# A venv, not the image's own site-packages: Debian's Python refuses `pip install` into itself
# (PEP 668), and a venv keeps the emulator's dependencies apart from whatever the base carries.
ENV VIRTUAL_ENV=/opt/wa-emulator \
    PATH=/opt/wa-emulator/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

COPY pyproject.toml README.md /src/
COPY wa_emulator /src/wa_emulator
COPY contracts /src/contracts
COPY scenarios /src/scenarios
RUN python3 -m venv "$VIRTUAL_ENV" \
    && pip install --quiet /src \
    && rm -rf /src \
    && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin emulator \
    && mkdir -p /scenarios

USER emulator
WORKDIR /tmp
# Scenario files mounted here can be named on the command line (--scenario /scenarios/x.yaml)
# and loaded on a running server (POST /_emulator/scenario {"path": "x.yaml"}).
VOLUME ["/scenarios"]
EXPOSE 8066

# Health answers every client, with or without the control token (wa_emulator/control/access.py).
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_emulator/health' % os.environ.get('WA_EMULATOR_PORT', '8066'), timeout=2)"]

# Bound to every interface, so the control API asks callers beyond loopback for a token: set
# WA_EMULATOR_CONTROL_TOKEN, or read the one printed in the banner (`docker logs`), or pass
# --control-open on a private CI network.
ENTRYPOINT ["wa-emulator", "serve", "--host", "0.0.0.0", "--scenario-dir", "/scenarios"]
CMD []
