"""Are we staffed for the hours customers write: Erlang C agents required against those scheduled."""
