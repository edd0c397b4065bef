# Production image for the portal, its Celery worker/beat and the mock Dukcapil registry. The
# processes start with the same make targets as the README's "Production shape".
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH
RUN apt-get update && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN DJANGO_DEBUG=0 SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput
RUN useradd --create-home jkn && mkdir -p /var/lib/jkn \
    && chown -R jkn /var/lib/jkn /app/staticfiles
USER jkn
EXPOSE 8000
CMD ["make", "web"]
