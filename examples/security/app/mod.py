print("REAL-CODE")
