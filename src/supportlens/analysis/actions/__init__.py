"""What fixing it saves: the ranked recommendations, their impact and ROI ranges."""
