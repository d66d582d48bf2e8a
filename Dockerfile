# Production image: front-end assets compiled from npm in one stage, the app in the next.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY assets ./assets
RUN npm run build:css

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
RUN pip install --no-cache-dir -c constraints.txt .
COPY . .
COPY --from=assets /app/node_modules/govuk-frontend/dist /app/node_modules/govuk-frontend/dist
COPY --from=assets /app/node_modules/@ministryofjustice/frontend/moj /app/node_modules/@ministryofjustice/frontend/moj
COPY --from=assets /app/build/static /app/build/static
RUN DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
RUN useradd --create-home shift && chown -R shift /app
USER shift
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
