"""The school channel: approved posters, pre-moderated comments, the review queue, private concerns."""
