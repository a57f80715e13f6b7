# sohoa: one image for the API (`sohoa serve`) and the worker (`sohoa worker`).
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie qpdf poppler-utils \
      fonts-liberation2 fonts-croscore fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 sohoa
WORKDIR /app
COPY pyproject.toml README.md ./
COPY sohoa ./sohoa
RUN pip install --no-cache-dir .
# The page classifier is trained once from the generated corpus's train split, not at the first request.
ENV SOHOA_MODEL_CACHE=/opt/sohoa/models
RUN sohoa-lab train

USER sohoa
ENV SOHOA_DATA_DIR=/data OMP_THREAD_LIMIT=1
VOLUME ["/data"]
EXPOSE 8000
CMD ["sohoa", "serve", "--host", "0.0.0.0", "--port", "8000"]
