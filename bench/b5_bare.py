"""B5's baseline: a bare python-telegram-bot application with one handler and nothing else,
long-polling the same stand-in. What any PTB bot costs before it does any work.

    python -m bench.b5_bare BASE_URL   (token from TELEGRAM_BOT_TOKEN)
"""

import os
import sys

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes


async def hello(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message:
        await update.effective_message.reply_text("hello")


def main() -> None:
    base = sys.argv[1].rstrip("/")
    app = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", hello))
    app.run_polling()


if __name__ == "__main__":
    main()
