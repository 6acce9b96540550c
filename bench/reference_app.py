"""The benchmark's reference: a two-line Streamlit page, served and timed exactly as the dashboard's pages are."""
import streamlit as st

st.title("Reference page")
