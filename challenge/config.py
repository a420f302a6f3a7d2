"""Configuration defaults; instance/config.py and the environment override them."""

from pathlib import Path

DEV_SECRET_KEY = "dev-only-not-secret"


class DefaultConfig:
    SECRET_KEY = DEV_SECRET_KEY
    # None means "SQLite file in the instance folder"; create_app fills it in.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Bytes of an SQLite database file read through mmap (0 = off; SQLite caps it at ~2 GB).
    SQLITE_MMAP_SIZE = 2 * 1024**3
    WTF_CSRF_TIME_LIMIT = None
    BOOTSTRAP_SERVE_LOCAL = True
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    # translations/<locale>/LC_MESSAGES/messages.po beside the package; its .mo is compiled by make.
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent.parent / "translations")
    PER_PAGE = 12
    PASSWORD_MIN_LENGTH = 10
    # Accounts (challenge/auth): signed links, consent, throttling, two-factor sign-in.
    CONFIRM_TOKEN_MAX_AGE = 3 * 24 * 3600  # seconds an e-mail confirmation link stays valid
    RESET_TOKEN_MAX_AGE = 3600  # seconds a password reset link stays valid (and it works once)
    TERMS_VERSION = "2026-12"  # the 用户协议 / 隐私政策 version a registrant accepts
    # Where the sign-in counters live. None: an SQLite file in the instance folder, shared by
    # every worker of this host (challenge/auth/counters.py); "redis://host:6379/1" when several
    # hosts serve the app; "memory://" counts in each process alone.
    RATELIMIT_STORAGE_URI: str | None = None
    LOGIN_LIMITS_PER_ACCOUNT = "5 per minute; 10 per hour"  # failed sign-ins of one account
    LOGIN_LIMITS_PER_ADDRESS = "20 per minute; 60 per hour"  # failed sign-ins from one address
    # Reverse proxies in front of the app whose X-Forwarded-For is trusted (nginx: 1); without it
    # every client behind the proxy would share one address, and one counter of failures.
    TRUSTED_PROXY_COUNT = 0
    MAIL_LINK_LIMITS = "3 per hour"  # reset / confirmation mails per address (then silently not sent)
    TWO_FACTOR_REQUIRED_FOR_ADMINS = True
    TWO_FACTOR_STEP_SECONDS = 300  # time to type the code after the password was accepted
    TOTP_ISSUER = "揭榜挂帅平台"
    # Fernet keys (comma-separated) sealing the two-factor secrets at rest: the first seals, all
    # open. Empty: one key derived from SECRET_KEY (challenge/auth/totp_keys.py).
    TOTP_ENCRYPTION_KEYS = ""
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    REVIEWER_MAX_LOAD = 5  # panels of 榜 under review one reviewer may sit on at once
    # 风险补偿: the share (basis points) of an enterprise's verified R&D spend the government may
    # compensate after a failure determined diligent, within the 榜's cap (compensation_cap_fen).
    RISK_COMPENSATION_SHARE_BP = 3000
    # Seating by random draw: the draw picks among the K best-matched qualified, conflict-free
    # reviewers with a free seat; K is asked per draw, this is the form's default.
    DRAW_POOL_SIZE = 10
    REVIEW_DAYS = 14  # a panel's due date, counted from its first seat (the bureau may change it)
    REVIEW_REMIND_DAYS_BEFORE = 3  # reviewers still owing a review are reminded this many days before
    # How much the bureau's ratings of a reviewer weigh in proposing panels: 0 = not at all, 0.2 =
    # a match score moves by up to ±20 % for a reviewer rated 5 or 1 (reviewing/ratings.weigh).
    REVIEWER_RATING_WEIGHT = 0.0
    # 供给缺口: a profile scoring this much for a 榜 (or an indicator term) can take it on.
    SUPPLY_GAP_MIN_SCORE = 12.0
    # 回避: past employers, 联合体, contracts, panels and co-authored works count for this many years
    REVIEW_CONFLICT_YEARS = 3
    # Statistics: count contracted 榜 whose committed R&D investment reaches each threshold (万元).
    STATS_THRESHOLDS_WAN = (1000, 500)
    ORG_INVITATION_DAYS = 7  # an org admin's e-mailed invitation link expires after this
    PUBLICITY_DAYS = 5  # 公示 after the decision; objections may be filed until it ends
    RUNNER_UP_SIGN_DAYS = 30  # 递补: a winner unsigned this long after 公示 may be replaced
    # Score anomalies on the decision page (reviewing/anomalies.py): a review written in fewer
    # minutes than this, from the reviewer's first opening of the bid to the submission, is
    # flagged; comments of two reviewers this similar (rapidfuzz ratio, 0-100) are flagged.
    ANOMALY_MIN_REVIEW_MINUTES = 10
    ANOMALY_SIMILAR_COMMENTS = 90
    # The e-mail outbox is delivered by `flask send-mail`; without MAIL_SERVER delivery is off.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "noreply@example.cn"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # The site's public address: every absolute link (e-mails above all) is built on it, never
    # on the request's Host header. An https:// address (or PREFERRED_URL_SCHEME = "https")
    # also marks the session and remember-me cookies Secure (challenge/security.py).
    BASE_URL = "http://127.0.0.1:5000"
    PREFERRED_URL_SCHEME = "http"
    REFERRER_POLICY = "strict-origin-when-cross-origin"
    HSTS_SECONDS = 0  # Strict-Transport-Security max-age; 0 = not sent (turn on behind https)
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
