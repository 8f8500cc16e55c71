# syntax=docker/dockerfile:1
# One image per service, from this one file:  docker build --build-arg SERVICE=intake -t ektp/intake:dev .
# (make images builds all five, and the peers image of the development cluster's card printer).
# A service's image runs its API (the default command, gunicorn) and its worker (python -m <service>.worker);
# Kubernetes picks the command per Deployment. PACKAGES lists what is installed: the platform library and the
# service by default; the peers image adds printing (the CPL/1 protocol it emulates) and the peers package.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# Only the package manifests, so the dependency layer below is rebuilt only when a pin changes (BuildKit
# compares this stage's output, not its inputs).
FROM ${PYTHON_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . \( -name pyproject.toml -o -name requirements.lock \) | tar -cf /manifests.tar -T -

FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
ARG PACKAGES="shared services/${SERVICE}"
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 UV_NO_CACHE=1
RUN python -m venv /opt/venv && python -m pip install uv==0.13.9
WORKDIR /app
COPY --from=manifests /manifests.tar /tmp/
# Third-party dependencies first, in their own layer, at the versions of requirements.lock (the lock the tests
# ran against).
RUN tar -xf /tmp/manifests.tar \
    && python -c "import sys, tomllib; print('\n'.join(d for p in sys.argv[1:] for d in tomllib.load(open(p + '/pyproject.toml', 'rb'))['project']['dependencies'] if not d.startswith('ektp-')))" \
        ${PACKAGES} > /tmp/requirements.txt \
    && grep -v '^-e ' requirements.lock > /tmp/constraints.txt \
    && uv pip install --python /opt/venv/bin/python --requirement /tmp/requirements.txt --constraint /tmp/constraints.txt
# The packages themselves. Editable, so a service finds its Alembic migrations/ beside its package;
# .dockerignore keeps tests, fixtures and the test harness out.
COPY . .
RUN uv pip install --python /opt/venv/bin/python --no-deps $(for p in ${PACKAGES}; do printf -- '--editable ./%s ' "$p"; done) \
    && /opt/venv/bin/python -m compileall -q /app /opt/venv

FROM ${PYTHON_IMAGE}
ARG SERVICE
RUN groupadd --system --gid 10001 ektp \
    && useradd --system --uid 10001 --gid ektp --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ektp
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 EKTP_IMAGE_SERVICE=${SERVICE}
WORKDIR /app
USER 10001:10001
EXPOSE 8080 9100
CMD ["sh", "-c", "exec gunicorn -c python:ektp_shared.gunicorn_conf \"${EKTP_IMAGE_SERVICE}.wsgi:app\""]
