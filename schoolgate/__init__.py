"""Schoolgate: a school social media policy, put into practice."""
