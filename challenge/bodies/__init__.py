"""Third-party professional bodies (第三方专业机构): appointments to a 榜, their findings, and the
bureau's adoption or override of each finding."""
