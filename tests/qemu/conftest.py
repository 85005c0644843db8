import os
import sys

# The tests import their helpers (kernel.py, netns.py) from this folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
