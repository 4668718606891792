"""Where and why we breach: every segment compared, the adjusted breach model, time to resolution as survival."""
