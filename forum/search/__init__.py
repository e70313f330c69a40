"""Full-text search over thread titles and posts, in Finnish, Swedish and English."""
