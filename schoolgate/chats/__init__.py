"""Chat-export scans: group messages shared with a parent's permission, and what the school does with them."""
