# Production image for the portal, its Celery worker/beat and the mock Dukcapil registry.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH
WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN DJANGO_DEBUG=0 SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput
RUN useradd --create-home jkn
USER jkn
EXPOSE 8000
CMD ["gunicorn", "jkn_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
